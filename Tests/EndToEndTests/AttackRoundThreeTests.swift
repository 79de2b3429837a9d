import Foundation
import TestSupport
import Testing

/// The third round of attacks, by a candidate who has read the sources
/// (the job child, the sandbox and the rules in C, then child.c, sandbox.c
/// and rules.c, now split over Sources/CJobChild and Sources/CSandbox; then
/// ChildWatch.swift and Grader.swift). The ones
/// that hold stay as regression tests of the exact verdict. The ones that
/// worked on the code they were written on (marked BROKE, with what they
/// got) are `withKnownIssue`: each states what a fix must make true, and
/// fails as "known issue not recorded" once it holds, to be unwrapped (as
/// the frame and channel attacks were, by the frame secret and the socket).
@Suite("Attacks, round three")
struct AttackRoundThreeTests: VisibleOutputSupport {
    /// `pygrade grade --exercise reverse --format json` of `source`: the
    /// exercise's entry of the report.
    static func gradeReverse(_ source: String, disabling layers: String? = nil) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-round3-\(UUID().uuidString).py")
        try Data(source.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try PygradeBinary.run(
            ["grade", file.path, "--exercise", "reverse", "--format", "json"],
            environment: layers.map { ["PYGRADE_SANDBOX_DISABLE": $0] } ?? [:])
        return try #require((try run.json()["exercises"] as? [[String: Any]])?.first, "\(run.stdout)\(run.stderr)")
    }

    /// A forged frame: the job ends there (ChildWatch), the exercise is
    /// sandbox_violation with no score.
    static func expectForged(_ exercise: [String: Any], _ what: String) {
        #expect(exercise["status"] as? String == "sandbox_violation", "\(what): \(exercise["status"] ?? "") \(exercise["message"] ?? "")")
        #expect(exercise["score"] as? Double == 0, "\(what): \(exercise["score"] ?? "")")
        #expect(
            exercise["message"] as? String == "stopped for a forbidden action (wrote forged data into the result channel)",
            "\(what): \(exercise["message"] ?? "")")
    }

    static func expectRuleViolation(_ exercise: [String: Any], _ what: String) {
        #expect(exercise["status"] as? String == "rule_violation", "\(what): \(exercise["status"] ?? "") \(exercise["message"] ?? "")")
        #expect(exercise["score"] as? Double == 0, "\(what): \(exercise["score"] ?? "")")
    }

    // MARK: Rules

    /// The control for the frame attacks below: `reversed` reached by a name
    /// made at run time is a run-time rule hit, 0/20.
    @Test func aForbiddenBuiltinReachedByGetattrIsARuleViolation() throws {
        let exercise = try Self.gradeReverse(
            "import builtins\n\n_flip = getattr(builtins, \"rev\" + \"ersed\")\n\n\ndef reverse_string(s):\n    return \"\".join(_flip(s))\n"
        )
        Self.expectRuleViolation(exercise, "control")
        #expect(exercise["message"] as? String == "at run time: reversed() and __reversed__ are not allowed")
    }

    /// Broke (passed, 20/20) before the subscripts were hooked: `s[::-1]`
    /// compiled elsewhere and shipped as marshalled bytes. The walker reads
    /// source text and the compile/eval/exec hooks read the text or tree
    /// they are given; a code object made from bytes (marshal.loads,
    /// types.CodeType, code.replace) is neither, and BUILD_SLICE +
    /// BINARY_SUBSCR called nothing hooked. Now subscripting a builtin
    /// sequence with a slice whose step is not None is the hit
    /// (rules_subscript.c), whatever code does it.
    @Test func codeMarshalledFromBytesIsHeldToTheRules() throws {
        let hex = try Self.marshalledSliceStep
        #expect(hex.hasPrefix("e3"), "not a marshalled code object: \(hex)")
        let source = """
            import marshal
            import types

            reverse_string = types.FunctionType(marshal.loads(bytes.fromhex("\(hex)")), globals(), "reverse_string")
            """
        // The code guard (no-made-code) refuses the code object at load;
        // without it, the subscript hook holds the slice to the rule.
        Self.expectRefusedAtLoad(try Self.gradeReverse(source), "marshalled s[::-1]")
        let exercise = try Self.gradeReverse(source, disabling: "no-made-code")
        Self.expectRuleViolation(exercise, "marshalled s[::-1]")
        #expect(exercise["message"] as? String == "at run time: slicing with a step (such as s[::-1]) is not allowed", "\(exercise)")
    }

    /// A code object made from bytes, refused by the code guard as the
    /// module loads: runtime_error, no score, the guard's words.
    static func expectRefusedAtLoad(_ exercise: [String: Any], _ what: String) {
        #expect(exercise["status"] as? String == "runtime_error", "\(what): \(exercise)")
        #expect(exercise["score"] as? Double == 0, "\(what): \(exercise)")
        #expect((exercise["message"] as? String)?.contains("code objects cannot be made in a job") == true, "\(what): \(exercise)")
    }

    /// The same, the code built from bytecode with types.CodeType, and a
    /// walked function's code replaced (code.replace: its co_consts, and
    /// the tuple it built made a slice with a step, subscripted): the
    /// fixtures attack_code_*_slice_step.py. Each got passed, 20/20, before
    /// the subscripts were hooked; the code guard now refuses them first.
    @Test(arguments: ["attack_code_codetype_slice_step.py", "attack_code_replace_slice_step.py"])
    func codeBuiltOrReplacedAtRunTimeIsHeldToTheRules(fixture: String) throws {
        let source = try String(contentsOf: PygradeBinary.root.appendingPathComponent("Fixtures/" + fixture), encoding: .utf8)
        Self.expectRefusedAtLoad(try Self.gradeReverse(source), fixture)
        let exercise = try Self.gradeReverse(source, disabling: "no-made-code")
        Self.expectRuleViolation(exercise, fixture)
        #expect(exercise["message"] as? String == "at run time: slicing with a step (such as s[::-1]) is not allowed", "\(exercise)")
        #expect((exercise["rules"] as? [[String: Any]])?.map { $0["id"] as? String } == ["no-slice-step"], "\(exercise)")
    }

    // MARK: CPU banked through gc

    /// Broke before the gc guard: a job child runs its exercise's tests in
    /// turn, and its zygote built and froze every test's input. In the first
    /// test, the candidate tries every door of the collector's and the
    /// frames' (HiddenInputDig: gc.unfreeze(), get_objects() with and
    /// without a generation, get_referents(), frame walks) for the later
    /// tests' inputs, and precomputes their answers (which it could spend
    /// the first test's spare CPU on); a later test whose answer it banked
    /// says so in a wrong answer. Every hidden test must pass: no later
    /// test's input is in reach. (Before: both hidden tests wrong_answer.)
    @Test func theFirstTestCannotPrecomputeALaterTestsAnswer() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                BANK = {}


                def shout(s):
                    if not BANK:
                        BANK.update({found: found.upper() for found in dig() if found != s})
                        BANK[None] = "the first test ran"
                    if s in BANK:
                        return BANK[s] + " (banked in the first test)"
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"], "\(json.stdout)")
    }

    /// `marshal.dumps` of `def reverse_string(s): return s[::-1]`, in hex,
    /// by the machine's python3 (the embedded interpreter's version: the
    /// bytes are version-specific).
    static var marshalledSliceStep: String {
        get throws {
            let script =
                "import json, marshal\ndef reverse_string(s):\n    return s[::-1]\nprint(json.dumps([[marshal.dumps(reverse_string.__code__).hex()]]))"
            return try Python3.rows(of: script, width: 1)[0][0]
        }
    }

    /// Broke (passed, 20/20) before frames carried the child's secret: the
    /// result channel carries the harness's frames and the candidate's
    /// alike. At load, the candidate writes the header of a LOADED frame
    /// whose length takes in the next 11 bytes, then reaches `reversed` by
    /// getattr: the harness's run-time rule frame (6 bytes then) and its own
    /// LOADED (5) became the body of the candidate's, and a rule is reported
    /// once per child, so every later use went unsaid. Now a frame holds
    /// at least its kind and the 16 bytes of the secret: a length of 12 is
    /// no frame's, and the job ends as forged the moment the header is read
    /// (sandbox_violation, which outranks the rule hit it hid). A header
    /// sized to swallow the harness's frames whole is forged too, its
    /// secret's place holding the harness's bytes (FrameSecretTests).
    @Test func aFrameOfTheCandidatesCannotSwallowARuleHitAtLoad() throws {
        let exercise = try Self.gradeReverse(
            """
            import builtins
            import os
            import struct

            os.write(3, struct.pack("<I", 1 + 6 + 5) + b"L")
            _flip = getattr(builtins, "rev" + "ersed")


            def reverse_string(s):
                return "".join(_flip(s))
            """)
        Self.expectForged(exercise, "rule frame swallowed at load")
    }

    /// Broke (runtime_error, 18.82/20) before the secret: the same in the
    /// first test, for a worker that would refuse a LOADED frame with a
    /// body: the candidate gives up its first test with an exception frame
    /// of its own whose text takes in the rule frame and the harness's
    /// result frame for that test. Its frame has no secret: forged as soon
    /// as its first 21 bytes are in, sandbox_violation, 0.
    @Test func aFrameOfTheCandidatesCannotSwallowARuleHitInATest() throws {
        let exercise = try Self.gradeReverse(
            """
            import builtins
            import os
            import struct

            _flip = None


            def reverse_string(s):
                global _flip
                if _flip is None:
                    head = struct.pack("<IB", 0, 4) + bytes(16) + bytes([1])
                    os.write(3, struct.pack("<I", 1 + len(head) + 6 + 28) + b"r" + head)
                    _flip = getattr(builtins, "rev" + "ersed")
                return "".join(_flip(s))
            """)
        Self.expectForged(exercise, "rule frame swallowed in a test")
    }

    // MARK: The result channel

    /// Broke (wrong_answer: both opens succeeded) while the channel was a
    /// pipe (the channel guard's promise): fd 3 "can only be written", yet
    /// /proc/self/fd/3 opened again, for reading (the harness's frames could
    /// be taken out of the pipe) and for writing (a second descriptor on the
    /// channel, which dup would have ended as sandbox_violation). The
    /// channel is a socket now, which /proc does not open (ENXIO): both
    /// opens fail, and the candidate's right answer is passed, 20/20.
    @Test func theResultChannelCannotBeOpenedAgainThroughProc() throws {
        let exercise = try Self.gradeReverse(
            """
            import os


            def reverse_string(s):
                for flags in (os.O_RDONLY | os.O_NONBLOCK, os.O_WRONLY):
                    try:
                        os.open("/proc/self/fd/3", flags)
                        return "opened"
                    except OSError:
                        pass
                return "".join(s[i] for i in range(len(s) - 1, -1, -1))
            """)
        #expect(exercise["status"] as? String == "passed", "\(exercise)")
        #expect(exercise["score"] as? Double == 20, "\(exercise)")
    }

    /// Broke (passed, 20/20, for a solution that sleeps 10 s a call) before
    /// the secret: the module writes the whole protocol itself at load time
    /// (LOADED, one RESULT per test with the right value and the argument
    /// digest, DONE), so no per-test limit ever applies and the mutation
    /// check reads its own claim (Fixtures/attack_forged_sequence_at_load.py,
    /// which `pygrade check` holds to the same status). Without the secret
    /// its first frame is forged: sandbox_violation, 0.
    @Test func aWholeSequenceWrittenAtLoadIsForged() throws {
        let run = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("attack_forged_sequence_at_load.py"), "--exercise", "reverse", "--format", "json",
        ])
        let exercise = try #require((try run.json()["exercises"] as? [[String: Any]])?.first, "\(run.stdout)\(run.stderr)")
        Self.expectForged(exercise, "a whole sequence at load")
    }
}
