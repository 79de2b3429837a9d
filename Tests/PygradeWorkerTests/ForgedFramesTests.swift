import CJobChild
import PygradeProtocol
import Testing

@testable import PygradeWorker

/// Frames a candidate who has read job_child.c could write on fd 3 from its own
/// code (which runs after READY), each fed to the job child's machine: every
/// order the harness never writes is refused, and how.
@Suite struct ForgedFramesTests {
    typealias F = FrameBytes

    @Test func aSecondReadyIsForged() throws {
        var m = F.machine(try F.job())
        #expect(m.feed(frames: [F.ready, F.ready]) == ["ready", "forged"])
    }

    @Test func aResultBeforeLoadedIsForged() throws {
        var m = F.machine(try F.job())
        #expect(m.feed(frames: [F.ready, F.result(0, PG_RES_ALIASED)]) == ["ready", "forged"])
    }

    @Test func aResultBeforeReadyIsForged() throws {
        var m = F.machine(try F.job())
        #expect(m.feed(F.result(0, PG_RES_ALIASED)) == ["forged"])
    }

    @Test func moreResultsThanTestsAskedAreForged() throws {
        var m = F.machine(try F.job(tests: 2))
        let steps = m.feed(frames: [
            F.ready, F.loaded, F.result(0, PG_RES_ALIASED), F.result(1, PG_RES_ALIASED), F.result(2, PG_RES_ALIASED),
        ])
        #expect(steps == ["ready", "loaded", "result(0, aliased)", "result(1, aliased)", "forged"])
    }

    @Test func aResultForAnotherTestIsForged() throws {
        var skipped = F.machine(try F.job(tests: 3))
        #expect(skipped.feed(F.ready + F.loaded + F.result(1, PG_RES_ALIASED)) == ["ready", "loaded", "forged"])
        var again = F.machine(try F.job(tests: 3))
        #expect(
            again.feed(F.ready + F.loaded + F.result(0, PG_RES_ALIASED) + F.result(0, PG_RES_ALIASED))
                == ["ready", "loaded", "result(0, aliased)", "forged"])
    }

    @Test func aResultAfterDoneIsForged() throws {
        // The worker stops reading at DONE; were it to read on, the machine
        // would refuse anything after it.
        var m = F.machine(try F.job(tests: 1))
        let steps = m.feed(F.ready + F.loaded + F.result(0, PG_RES_ALIASED) + F.done + F.result(0, PG_RES_ALIASED))
        #expect(steps == ["ready", "loaded", "result(0, aliased)", "done", "forged"])
    }

    @Test func doneBeforeTheLastResultIsForged() throws {
        var m = F.machine(try F.job(tests: 2))
        #expect(m.feed(F.ready + F.loaded + F.result(0, PG_RES_ALIASED) + F.done) == ["ready", "loaded", "result(0, aliased)", "forged"])
    }

    @Test func aSecondLoadedOrALoadErrorAfterLoadedIsForged() throws {
        var twice = F.machine(try F.job())
        #expect(twice.feed(F.ready + F.loaded + F.loaded) == ["ready", "loaded", "forged"])
        var late = F.machine(try F.job())
        #expect(late.feed(F.ready + F.loaded + F.frame(PG_FRAME_LOAD_ERROR, [1])) == ["ready", "loaded", "forged"])
        var missing = F.machine(try F.job())
        #expect(missing.feed(F.ready + F.loaded + F.frame(PG_FRAME_MISSING, "x")) == ["ready", "loaded", "forged"])
    }

    @Test func aSetupFailureAfterReadyIsForged() throws {
        // After READY the candidate's code may have written it: an
        // internal error it could choose the words of.
        var m = F.machine(try F.job())
        #expect(m.feed(F.ready + F.frame(PG_FRAME_SETUP_FAILED, "the secret is 42")) == ["ready", "forged"])
    }

    @Test func aFrameSplitByteByByteIsReadWhole() throws {
        var m = F.machine(try F.job(tests: 1))
        let bytes = F.ready + F.loaded + F.result(0, PG_RES_VALUE, [UInt8(ascii: "i"), 2]) + F.done
        var steps: [String] = []
        for byte in bytes { steps += m.feed([byte]) }
        #expect(steps == ["ready", "loaded", "result(0, value, 2 bytes)", "done"])
    }

    @Test func aLengthOfZeroIsMalformed() throws {
        var m = F.machine(try F.job())
        #expect(m.feed(F.ready + F.u32(0)) == ["ready", "malformed"])
    }

    @Test func aLengthPastTheResultLimitIsMalformedOrAFlood() throws {
        // Past anything the harness sends (the job's result limit and a
        // frame's own bytes): no frame's length at all.
        var past = F.machine(try F.job(tests: 1, resultBytes: 1000))
        // The secret every frame carries comes on top.
        #expect(past.feed(F.ready + F.u32(1000 + 4096 + F.secretBytes + 1)) == ["ready", "malformed"])
        // Within it, but past what this job's tests may return: a flood,
        // judged from the header before the bytes arrive.
        var long = F.machine(try F.job(tests: 1, resultBytes: 1000, testResultBytes: 100))
        #expect(long.feed(F.ready + F.u32(100 + 4096 + F.secretBytes + 1)) == ["ready", "tooLong"])
        var fits = F.machine(try F.job(tests: 1, resultBytes: 1000, testResultBytes: 100))
        #expect(fits.feed(F.ready + F.u32(100 + 4096 + F.secretBytes)) == ["ready"])
    }

    @Test func aFloodOfSmallFramesStopsAtTheJobsCap() throws {
        // One test of 100 bytes: 100 + 4096 * (1 + 8) bytes in all, and the
        // secrets of the most frames its children send (a result, and per
        // child, of two, a READY, an end of load, a DONE and the one rule).
        let cap = 100 + 4096 * 9 + F.secretBytes * (1 + 2 * (3 + 1))
        var m = F.machine(try F.job(tests: 1, resultBytes: 100, checkRules: true), ruleIDs: ["r"])
        #expect(m.feed(F.ready) == ["ready"])
        let hit = F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0])
        var accepted = 0
        var last: [String] = []
        while m.received <= cap {
            last = m.feed(hit)
            if last != ["flood"] { accepted += 1 }
        }
        #expect(last == ["flood"])
        #expect(m.received == F.ready.count + hit.count * (accepted + 1))
        #expect(m.received > cap && m.received - hit.count <= cap)
    }

    @Test func aKindNeverDefinedIsForged() throws {
        var m = F.machine(try F.job())
        #expect(m.feed(F.ready + F.frame(Int(UInt8(ascii: "?")), [1, 2, 3])) == ["ready", "forged"])
        var unknownResult = F.machine(try F.job())
        #expect(unknownResult.feed(F.ready + F.loaded + F.result(0, 99)) == ["ready", "loaded", "forged"])
    }

    @Test func aRuleHitBeforeReadyIsForged() throws {
        var m = F.machine(try F.job(checkRules: true), ruleIDs: ["r"])
        #expect(m.feed(F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0])) == ["forged"])
    }

    @Test func aRuleHitNotAskedForIsForged() throws {
        var unchecked = F.machine(try F.job(checkRules: false), ruleIDs: ["r"])
        #expect(unchecked.feed(F.ready + F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0])) == ["ready", "forged"])
        var noSuchRule = F.machine(try F.job(checkRules: true), ruleIDs: ["r"])
        #expect(noSuchRule.feed(F.ready + F.frame(PG_FRAME_RULE_AT_RUN_TIME, [1])) == ["ready", "forged"])
        var withALine = F.machine(try F.job(checkRules: true), ruleIDs: ["r"])
        #expect(withALine.feed(F.ready + F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0, 7])) == ["ready", "forged"])
    }

    @Test(arguments: [PG_FRAME_CODE, PG_FRAME_NAMES, PG_FRAME_SYNTAX_ERROR, PG_FRAME_RULE_HITS, PG_FRAME_RULE_FAILED])
    func aCompileChildsFrameFromAJobChildIsForged(kind: Int) throws {
        var m = F.machine(try F.job())
        #expect(m.feed(F.ready + F.frame(kind, F.u32(0) + F.list([]))) == ["ready", "forged"])
        var loaded = F.machine(try F.job())
        #expect(loaded.feed(F.ready + F.loaded + F.frame(kind, F.u32(0) + F.list([]))) == ["ready", "loaded", "forged"])
    }

    @Test func aDigestWhereTheTestWantsTheValueIsForged() throws {
        // job_tests.c sends a digest only where digest_ok is set: in its place
        // a checker that must see the value (or the visible run, which
        // shows it) would get a claim it cannot check.
        var m = F.machine(try F.job(tests: 1, digestOK: false))
        #expect(m.feed(F.ready + F.loaded + F.result(0, PG_RES_DIGEST, [UInt8](repeating: 1, count: 16))) == ["ready", "loaded", "forged"])
        var short = F.machine(try F.job(tests: 1, digestOK: true))
        #expect(short.feed(F.ready + F.loaded + F.result(0, PG_RES_DIGEST, [1, 2])) == ["ready", "loaded", "forged"])
    }

    @Test func anAliasedResultWhereNoFreshResultIsAskedIsForged() throws {
        // job_tests.c checks for a returned argument only under fresh_result.
        var m = F.machine(try F.job(tests: 1, freshResult: false))
        #expect(m.feed(F.ready + F.loaded + F.result(0, PG_RES_ALIASED)) == ["ready", "loaded", "forged"])
    }

    @Test func aResultWithoutItsArgumentDigestIsForged() throws {
        var m = F.machine(try F.job(tests: 1, checkMutation: true))
        #expect(m.feed(F.ready + F.loaded + F.result(0, PG_RES_VALUE, [UInt8(ascii: "N")])) == ["ready", "loaded", "forged"])
    }

    @Test func aTruncatedFrameAtTheEndIsLeftUnread() throws {
        // The channel closes with half a frame in it: nothing is recorded
        // of it, and the child is judged by how it ended (ChildEnding).
        var m = F.machine(try F.job(tests: 1))
        let result = F.result(0, PG_RES_VALUE, [UInt8(ascii: "i"), 2])
        #expect(m.feed(F.ready + F.loaded + Array(result.dropLast())) == ["ready", "loaded"])
        #expect(m.unfinished)
        #expect(m.phase == .testing(0))
    }
}
