import CJobChild
import PygradeProtocol
import Testing

@testable import PygradeWorker

/// Every frame of the harness's carries its child's secret (pygrade_protocol.h's
/// PG_FRAME_SECRET_BYTES, right after the kind): the candidate's code runs
/// in the same process and writes on the same fd 3, but cannot read the
/// secret from Python, so a frame without it is forged, whatever its order.
@Suite struct FrameSecretTests {
    typealias F = FrameBytes

    static let wrong = F.secret.map { $0 ^ 0x80 }

    @Test func theSecretIsSixteenBytesFromTheHeaderOfFacts() {
        #expect(FrameReader.secretBytes == Int(PG_FRAME_SECRET_BYTES))
        #expect(FrameReader.secretBytes == 16)
    }

    @Test func eachChildGetsAFreshSecret() throws {
        var a = pg_job().secret
        var b = pg_compile_job().secret
        #expect(FrameReader.draw(into: &a) && FrameReader.draw(into: &b))
        #expect(FrameReader.bytes(of: a).count == 16 && FrameReader.bytes(of: b).count == 16)
        #expect(FrameReader.bytes(of: a) != FrameReader.bytes(of: b))
    }

    @Test func anHonestOrderWithTheSecretPasses() throws {
        var m = F.machine(try F.job(tests: 2))
        let steps = m.feed(
            frames: [F.ready, F.loaded, F.result(0, PG_RES_VALUE, F.int(1)), F.result(1, PG_RES_TOO_LARGE), F.done])
        #expect(steps == ["ready", "loaded", "result(0, value, 2 bytes)", "result(1, tooLarge)", "done"])
    }

    @Test func aFrameWithAnotherSecretIsForgedWhereverItComes() throws {
        // First frame (where a set-up failure would be the harness's).
        var first = F.machine(try F.job())
        #expect(first.feed(F.frame(PG_FRAME_SETUP_FAILED, Array("boom".utf8), secret: Self.wrong)) == ["forged"])
        // Exactly where the protocol expects it, and well formed otherwise.
        var loaded = F.machine(try F.job(tests: 1))
        #expect(loaded.feed(F.ready + F.frame(PG_FRAME_LOADED, secret: Self.wrong)) == ["ready", "forged"])
        var result = F.machine(try F.job(tests: 1))
        let forged = F.frame(PG_FRAME_RESULT, F.u32(0) + [UInt8(PG_RES_VALUE)] + F.int(1), secret: Self.wrong)
        #expect(result.feed(F.ready + F.loaded + forged) == ["ready", "loaded", "forged"])
        // One bit off is enough.
        var oneBit = F.machine(try F.job(tests: 1))
        var almost = F.secret
        almost[15] ^= 1
        #expect(oneBit.feed(F.ready + F.frame(PG_FRAME_LOADED, secret: almost)) == ["ready", "forged"])
    }

    @Test func aFrameWithoutASecretIsMalformedOrForged() throws {
        // The old format (no secret): too short to hold one...
        var short = F.machine(try F.job(tests: 1))
        #expect(short.feed(F.ready + F.u32(1) + [UInt8(PG_FRAME_LOADED)]) == ["ready", "malformed"])
        // ...or a body where the secret should be.
        var body = F.machine(try F.job(tests: 1))
        let text = Array("Exception: the candidate's own words".utf8)
        let unsigned = F.u32(1 + 1 + text.count) + [UInt8(PG_FRAME_LOAD_ERROR), 1] + text
        #expect(body.feed(F.ready + unsigned) == ["ready", "forged"])
    }

    @Test func aWrongSecretIsForgedBeforeTheBodyArrives() throws {
        // A header claiming a long frame: judged as soon as the secret's
        // bytes are in, not when (if ever) the body is whole.
        var m = F.machine(try F.job(tests: 1))
        let header = F.u32(1 + F.secretBytes + 3000) + [UInt8(PG_FRAME_RESULT)] + Self.wrong
        #expect(m.feed(F.ready + header) == ["ready", "forged"])
    }

    /// Attack 1 (AttackRoundThreeTests): the candidate writes only a header
    /// whose length takes in the harness's next frames, a run-time rule hit
    /// and LOADED, as its own frame's body.
    @Test func aHeaderThatSwallowsTheHarnessesNextFramesIsForged() throws {
        let hit = F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0])
        let harness = hit + F.loaded
        // The attack as written for frames without a secret: 12 bytes.
        var old = F.machine(try F.job(tests: 1, checkRules: true), ruleIDs: ["no-reverse"])
        let oldHeader = F.u32(1 + 6 + 5) + [UInt8(PG_FRAME_LOADED)]
        #expect(old.feed(frames: [F.ready, oldHeader, harness]) == ["ready", "malformed"])
        // Sized for today's frames: the harness's header sits where the
        // secret should be.
        var sized = F.machine(try F.job(tests: 1, checkRules: true), ruleIDs: ["no-reverse"])
        let header = F.u32(1 + harness.count) + [UInt8(PG_FRAME_LOADED)]
        #expect(sized.feed(frames: [F.ready, header, harness]) == ["ready", "forged"])
        // The same with the candidate's guess of a secret in front.
        var guessed = F.machine(try F.job(tests: 1, checkRules: true), ruleIDs: ["no-reverse"])
        let guess = F.u32(1 + F.secretBytes + harness.count) + [UInt8(PG_FRAME_LOADED)] + Self.wrong
        #expect(guessed.feed(frames: [F.ready, guess, harness]) == ["ready", "forged"])
    }

    /// Attack 1b: in the first test, an exception frame of the candidate's
    /// swallowing the rule hit and the harness's result.
    @Test func anExceptionFrameThatSwallowsTheResultIsForged() throws {
        var m = F.machine(try F.job(tests: 2, checkMutation: true, checkRules: true), ruleIDs: ["no-reverse"])
        let hit = F.frame(PG_FRAME_RULE_AT_RUN_TIME, [0])
        let honest = F.result(0, PG_RES_VALUE, digest: F.argumentDigest, F.str(""))
        let head = F.u32(0) + [UInt8(PG_RES_EXCEPTION)] + F.argumentDigest + [1]
        let header = F.u32(1 + head.count + hit.count + honest.count) + [UInt8(PG_FRAME_RESULT)] + head
        #expect(m.feed(frames: [F.ready, F.loaded, header, hit + honest]) == ["ready", "loaded", "forged"])
    }

    /// Attack 2: a whole, correctly ordered sequence written by the
    /// candidate's module at load time, without the secret.
    @Test func aWholeSequenceOfTheCandidatesIsForgedAtItsFirstFrame() throws {
        var m = F.machine(try F.job(tests: 2))
        let own = [PG_FRAME_LOADED, PG_FRAME_DONE].map { F.frame($0, secret: Self.wrong) }
        let results = (0..<2).map { F.frame(PG_FRAME_RESULT, F.u32($0) + [UInt8(PG_RES_VALUE)] + F.int(1), secret: Self.wrong) }
        #expect(m.feed(frames: [F.ready, own[0]] + results + [own[1]]) == ["ready", "forged"])
    }
}
