import CJobChild
import PygradeProtocol
import Testing

@testable import PygradeWorker

/// A compile child's honest answers (compile.c), and orders it never sends.
@Suite struct CompileFramesTests {
    typealias F = FrameBytes

    func answer(_ keys: [String], _ frames: [UInt8]...) -> CompileFrames.Step {
        var m = CompileFrames(keys: keys, resultBytes: 1 << 20, secret: F.secret)
        var step = CompileFrames.Step.more
        for f in frames {
            guard m.take(f[...]) else { return .failed(WorkerFailure(.compileChild, "flood")) }
            step = m.next()
            if case .more = step { continue }
            return step
        }
        return step
    }

    @Test func codeNamesAndOneHitListPerRuleSet() throws {
        let hits = F.list([F.tuple([F.str("no-sort"), F.int(3)])])
        let step = answer(
            ["a", "b"], F.frame(PG_FRAME_CODE, [1, 2, 3]), F.frame(PG_FRAME_NAMES, F.list([F.str("f"), F.str("g")])),
            F.frame(PG_FRAME_RULE_HITS, F.u32(1) + hits), F.frame(PG_FRAME_RULE_HITS, F.u32(0) + F.list([])))
        guard case .compiled(let c) = step, case .code(let code) = c.outcome else {
            Issue.record("not compiled: \(step)")
            return
        }
        #expect(code == [1, 2, 3])
        #expect(c.definedNames == ["f", "g"])
        #expect(c.ruleHits == ["a": [], "b": [RuleHit(id: "no-sort", line: 3)]])
    }

    @Test func noRulesAskedForEndsAtTheNames() throws {
        let step = answer([], F.frame(PG_FRAME_CODE, [9]), F.frame(PG_FRAME_NAMES, F.list([])))
        guard case .compiled(let c) = step, case .code([9]) = c.outcome else {
            Issue.record("not compiled: \(step)")
            return
        }
    }

    @Test func aSyntaxErrorWithItsLine() throws {
        let step = answer(["a"], F.frame(PG_FRAME_SYNTAX_ERROR, F.u32(12) + Array("invalid syntax".utf8)))
        guard case .compiled(let c) = step, case .syntaxError(let line, let message) = c.outcome else {
            Issue.record("not a syntax error: \(step)")
            return
        }
        #expect(line == 12 && message == "invalid syntax")
    }

    @Test func namesBeforeCodeAreOutOfOrder() throws {
        let step = answer([], F.frame(PG_FRAME_NAMES, F.list([])))
        guard case .failed(let f) = step else {
            Issue.record("accepted: \(step)")
            return
        }
        #expect(f.code == .compileChild)
        #expect(f.description == "the compile child sent a frame out of order")
    }

    @Test func aJobChildsFrameIsOutOfOrder() throws {
        guard case .failed(let f) = answer([], F.ready) else {
            Issue.record("accepted READY from a compile child")
            return
        }
        #expect(f.description == "the compile child sent a frame out of order")
    }

    @Test func aLengthOfZeroIsMalformed() throws {
        guard case .failed(let f) = answer([], F.u32(0)) else {
            Issue.record("accepted a zero length")
            return
        }
        #expect(f.description == "the compile child sent a malformed frame")
    }

    @Test func aFrameWithoutTheChildsSecretIsRefused() throws {
        let wrong = F.secret.map { $0 ^ 1 }
        guard case .failed(let f) = answer([], F.frame(PG_FRAME_CODE, [9], secret: wrong)) else {
            Issue.record("accepted a frame with another secret")
            return
        }
        #expect(f.description == "the compile child sent a frame without its secret")
    }
}
