import CJobChild
import PygradeProtocol
import Testing

@testable import PygradeWorker

/// The honest orders of a job child (job_child.c), frame by frame, and what the
/// worker records of each.
@Suite struct JobChildFramesTests {
    typealias F = FrameBytes

    @Test func honestJobRecordsEachResultAsSent() throws {
        let job = try F.job(tests: 6, digestOK: true)
        var m = F.machine(job)
        #expect(m.feed(F.ready) == ["ready"])
        #expect(m.phase == .loading)
        #expect(m.feed(F.loaded) == ["loaded"])
        #expect(m.phase == .testing(0))

        let value: [UInt8] = [UInt8(ascii: "i"), 84]
        #expect(try #require(oneResult(&m, F.result(0, PG_RES_VALUE, value))) == Recorded(index: 0, kind: .value, value: value))
        #expect(m.phase == .testing(1))
        let digest = [UInt8](0..<16)
        #expect(
            try #require(oneResult(&m, F.result(1, PG_RES_DIGEST, digest)))
                == Recorded(index: 1, kind: .digest, digest: "000102030405060708090a0b0c0d0e0f"))
        #expect(
            try #require(oneResult(&m, F.result(2, PG_RES_NOT_PLAIN, Array("Foo".utf8))))
                == Recorded(index: 2, kind: .notPlain, detail: "Foo"))
        #expect(try #require(oneResult(&m, F.result(3, PG_RES_TOO_LARGE))) == Recorded(index: 3, kind: .tooLarge))
        #expect(try #require(oneResult(&m, F.result(4, PG_RES_ALIASED))) == Recorded(index: 4, kind: .aliased))
        #expect(
            try #require(oneResult(&m, F.result(5, PG_RES_EXCEPTION, [UInt8(PG_ST_TIME_LIMIT)] + Array("raised KeyError".utf8))))
                == Recorded(index: 5, kind: .error, status: .timeLimitExceeded, detail: "raised KeyError"))
        #expect(m.phase == .finishing)
        #expect(m.feed(F.done) == ["done"])
        #expect(m.over)
    }

    @Test func anExceptionStatusNoChildSendsIsARuntimeError() throws {
        var m = F.machine(try F.job(tests: 1))
        _ = m.feed(F.ready + F.loaded)
        let r = try #require(oneResult(&m, F.result(0, PG_RES_EXCEPTION, [0] + Array("raised X".utf8))))
        #expect(r == Recorded(index: 0, kind: .error, status: .runtimeError, detail: "raised X"))
    }

    @Test func mutationIsTheArgumentDigestComparedWithTheZygotes() throws {
        var m = F.machine(try F.job(tests: 2, checkMutation: true))
        _ = m.feed(F.ready + F.loaded)
        let same = try #require(oneResult(&m, F.result(0, PG_RES_VALUE, digest: F.argumentDigest, [UInt8(ascii: "N")])))
        #expect(same == Recorded(index: 0, kind: .value, value: [UInt8(ascii: "N")]))
        let changed = try #require(oneResult(&m, F.result(1, PG_RES_ALIASED, digest: [UInt8](repeating: 0, count: 16))))
        #expect(changed == Recorded(index: 1, kind: .aliased, inputMutated: true))
    }

    @Test func aFreshChildResumesAtItsFirstTest() throws {
        var m = F.machine(try F.job(tests: 3), start: 2)
        #expect(m.feed(F.ready + F.loaded) == ["ready", "loaded"])
        #expect(m.phase == .testing(2))
        #expect(m.feed(F.result(2, PG_RES_TOO_LARGE) + F.done) == ["result(2, tooLarge)", "done"])
    }

    @Test func aJobWithNoTestsGoesFromLoadedToDone() throws {
        var m = F.machine(try F.job(tests: 0))
        #expect(m.feed(F.ready + F.loaded + F.done) == ["ready", "loaded", "done"])
    }

    @Test func loadingEndsTheJobThreeWays() throws {
        let job = try F.job(tests: 2)
        var failed = F.machine(job)
        #expect(
            failed.feed(F.ready + F.frame(PG_FRAME_LOAD_ERROR, [UInt8(PG_ST_MEMORY_LIMIT)] + Array("raised MemoryError".utf8)))
                == ["ready", "loadFailed(memory_limit_exceeded, raised MemoryError)"])
        var missing = F.machine(job)
        #expect(missing.feed(F.ready + F.frame(PG_FRAME_MISSING, "is not defined")) == ["ready", "missing(is not defined)"])
        var setUp = F.machine(job)
        #expect(setUp.feed(F.frame(PG_FRAME_SETUP_FAILED, "no seccomp")) == ["setupFailed(no seccomp)"])
        #expect(failed.over && missing.over && setUp.over)
    }

    @Test func runTimeRuleHitsComeOnceEachAnywhereAfterReady() throws {
        var m = F.machine(try F.job(tests: 1, checkRules: true), ruleIDs: ["no-sort", "no-eval"])
        let hit = F.frame(PG_FRAME_RULE_AT_RUN_TIME, [1])
        #expect(
            m.feed(F.ready + hit + F.loaded + hit + F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0]) + F.result(0, PG_RES_ALIASED) + hit + F.done)
                == [
                    "ready", "ruleHit(no-eval, first: true)", "loaded", "ruleHit(no-eval, first: false)",
                    "ruleHit(no-sort, first: true)", "result(0, aliased)", "ruleHit(no-eval, first: false)", "done",
                ])
    }

    @Test func bytesAreCountedForTheWholeJob() throws {
        var m = ChildFrames(
            job: try F.job(tests: 1), start: 0, argumentDigests: [F.argumentDigest], ruleIDs: [], secret: F.secret, alreadySent: 100)
        _ = m.feed(F.ready)
        #expect(m.received == 100 + F.ready.count)
    }
}

/// What the worker records of a result frame (the watch adds only what the
/// kernel measures).
struct Recorded: Equatable {
    var index: Int
    var kind: TestOutcome.Kind
    var status: TestStatus?
    var digest: String?
    var detail: String?
    var inputMutated = false
    var value: [UInt8]?
}

/// Takes `bytes`, which must hold exactly one result frame.
func oneResult(_ m: inout ChildFrames, _ bytes: [UInt8]) -> Recorded? {
    guard m.take(bytes[...]), case .event(.result(let o, let value)) = m.next(), case .more = m.next() else { return nil }
    return Recorded(
        index: o.index, kind: o.kind, status: o.status, digest: o.digest, detail: o.detail, inputMutated: o.inputMutated,
        value: value.map(Array.init))
}
