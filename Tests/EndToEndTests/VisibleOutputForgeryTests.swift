import Foundation
import TestSupport
import Testing

/// A candidate that forges frames of the normal run, or searches its
/// memory for hidden inputs: a status proves the attack worked there; no
/// format shows what it found.
@Suite("Visible tests' output: forgeries")
struct VisibleOutputForgeryTests: VisibleOutputSupport {
    /// The module's top level holds hidden inputs (in a child started again
    /// after a test that left its input in scratch and died: since the gc
    /// guard no load digs them out of memory) and writes a syntax error
    /// frame quoting them into the result channel (fd 3). The worker takes
    /// that frame only before any candidate code runs: this one is forged, a
    /// sandbox_violation (which it is only if the load held them, so the
    /// status proves the attack ran), and its text goes nowhere.
    @Test func aForgedSyntaxErrorFrameIsAViolationAndShowsNoText() throws {
        let setup = try Setup(
            candidate: """
                import os, struct

                found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
                if found:
                    text = ("SyntaxError: " + " ".join(found)).encode()
                    os.write(3, struct.pack("<I", 5 + len(text)) + b"X" + struct.pack("<I", 7731) + text)

                def shout(s):
                    with open("given", "a") as out:
                        out.write(s + " ")
                    os._exit(1)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "sandbox_violation", "the forged frame was not refused: \(json.stdout)")
        try Self.expectNoSecret(setup, "forged syntax error")
    }

    /// While loading, write a compile frame and then a rule-checker failure
    /// frame quoting the hidden inputs (the exercise has no rules). Both are
    /// out of order, so the worker refuses them as forged (and the grader
    /// would too: no rule checker ran): sandbox_violation, and the text goes
    /// nowhere (not even to stderr, or a batch error record). It is written
    /// only when the load held them (a child started again after a test
    /// that left its input in scratch and died), so the status proves it.
    @Test func aForgedRuleCheckerFailureIsAViolationAndSaysNothing() throws {
        let setup = try Setup(
            candidate: """
                import os, struct

                found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
                if found:
                    text = " ".join(found).encode()
                    os.write(3, struct.pack("<I", 1) + b"C")
                    os.write(3, struct.pack("<I", 1 + len(text)) + b"Q" + text)

                def shout(s):
                    with open("given", "a") as out:
                        out.write(s + " ")
                    os._exit(1)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        #expect(json.status == 1, "\(json.stderr)")
        let exercise = try #require((try? json.json()["exercises"] as? [[String: Any]])?.first, "\(json.stderr)")
        #expect(exercise["status"] as? String == "sandbox_violation", "\(json.stdout)")
        #expect(!json.stderr.contains("SECRET"), "\(json.stderr)")
        try Self.expectNoSecret(setup, "forged rule checker failure")
    }

    /// Raw memory through ctypes (this test searched the pages around the
    /// visible input's address for the hidden strings, and found them):
    /// ctypes no longer imports in a job child (no-native-code), in the
    /// visible-only run as in the normal one. The import is a plain
    /// ImportError the candidate's code catches and prints, the visible test
    /// is runtime_error, and no format shows a hidden input. (Old binary:
    /// the import worked and the test was graded on the search.)
    @Test func aCtypesMemorySearchCannotStartAndNoReportShowsHiddenInputs() throws {
        let setup = try Setup(
            candidate: """
                def shout(s):
                    if s == "hello":
                        try:
                            import ctypes
                        except ImportError as e:
                            print("no ctypes:", type(e).__name__)
                            raise
                        print("ctypes", ctypes.sizeof(ctypes.c_void_p))
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests[0]["status"] as? String == "runtime_error", "ctypes imported: \(json.stdout)")
        #expect(tests[0]["output"] as? String == "no ctypes: ImportError\n", "\(json.stdout)")
        try Self.expectNoSecret(setup, "ctypes")
    }
}
