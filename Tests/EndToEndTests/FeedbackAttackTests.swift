import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a hostile candidate who has read pygrade's source would try against
/// the surfaces issue 13 adds: a visible test's call, expected value and
/// returned value in every format (point 3), the names a file defines in a
/// missing entry point's message and folders looked up by their only `.py`
/// (point 2), `grade -` reading standard input (point 7); and, found while
/// writing them, another candidate's code in the memory of a zygote forked
/// later (the last two tests).
///
/// Tests marked "needs point N" are written against the issue's contract
/// before the feature exists: on the code they were written on they fail
/// because the feature is missing (a field, a message, a lookup), and must
/// pass once it lands. The others hold already and guard the new code.
///
/// Split by surface: this suite (point 3), HostileGotAttackTests,
/// SubmissionLookupAttackTests (points 2 and 4), GradeStdinAttackTests
/// (point 7) and ZygoteMemoryAttackTests (the last two).
@Suite("Feedback attacks")
struct FeedbackAttackTests: FeedbackAttackSupport {
    // MARK: Point 3: a visible test's call, expected value and returned value

    /// The visible test, declared after the hidden ones, digs the hidden
    /// inputs out of its process (the ones the hidden tests gave it, kept)
    /// and returns them (plain, hex, reversed, as code points), or, with
    /// none to find, another wrong answer ('nothing found'). The normal
    /// run's status says which (a wrong result of the wrong type there
    /// proves the dig found them); the value a report shows must be the
    /// visible-only run's, where there is nothing to find: `got` is
    /// 'nothing found', and no format holds any hidden input. (Needs point
    /// 3 for the `call`, `expected` and `got` fields; the rest holds today.)
    @Test func gotComesFromTheVisibleOnlyRunAndCarriesNoHiddenInput() throws {
        let arena = try Arena(visibleLast: true)
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            Self.dig + """
                def shout(s):
                    keep(s)
                    if s == "hello":
                        found = dig()
                        if found:
                            return {
                                "plain": found,
                                "hex": [f.encode().hex() for f in found],
                                "reversed": [f[::-1] for f in found],
                                "ords": [[ord(c) for c in f] for f in found],
                            }
                        return "nothing found"
                    return \(Arena.right)
                """)
        let outputs = try arena.everyFormat("cand.py")
        let all = try #require(try outputs["json"]?.tests())
        // The visible test first, as the old order had it.
        let tests = all.filter { $0["name"] as? String == "visible-1" } + all.filter { $0["name"] as? String != "visible-1" }
        #expect(tests[0]["name"] as? String == "visible-1" && tests.count == 4, "\(all)")
        #expect(tests[0]["status"] as? String == "wrong_answer", "\(tests[0])")
        // The dict is the normal run's: the dig found the hidden inputs there.
        #expect((tests[0]["message"] as? String)?.hasPrefix("returned a dict") == true, "the dig found nothing: \(tests[0])")
        #expect(tests.dropFirst().allSatisfy { $0["status"] as? String == "passed" })
        #expect((tests[0]["call"] as? String)?.contains("'hello'") == true, "needs point 3: a visible test shows its call: \(tests[0])")
        #expect((tests[0]["expected"] as? String)?.contains("'HELLO'") == true, "needs point 3: and its expected value: \(tests[0])")
        #expect(tests[0]["got"] as? String == "'nothing found'", "needs point 3: and the visible-only run's result: \(tests[0])")
        #expect(Self.leaks(outputs).isEmpty, "\(Self.leaks(outputs))")
        for (name, run) in outputs where ["text", "json", "junit", "gradescope", "batch"].contains(name) {
            #expect(run.status == 1 || (name == "batch" && run.status == 0), "\(name): exit \(run.status): \(run.err)")
        }
    }

    /// A candidate that returns the right value only where no hidden input
    /// is there to find (the visible-only run) and a wrong one where it is:
    /// the report must not show a wrong answer whose shown run returned the
    /// expected value (`got` equal to `expected`, or no `got` at all) without
    /// saying that the run that decided returned something else, or a
    /// candidate could point at its own report to dispute a verdict.
    /// (Needs point 3.) The visible test is declared last: where the hidden
    /// tests ran before it, it holds their inputs.
    @Test func aGotThatDiffersFromTheDecidingRunIsNotPassedOffAsTheAnswer() throws {
        let arena = try Arena(visibleLast: true)
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            Self.dig + """
                def shout(s):
                    keep(s)
                    if s == "hello" and dig():
                        return "HELL0"
                    return \(Arena.right)
                """)
        let json = try arena.grade("cand.py", "json")
        let test = try #require(try json.tests().first { $0["name"] as? String == "visible-1" })
        #expect(test["status"] as? String == "wrong_answer", "\(test)")
        let got = test["got"] as? String
        let expected = test["expected"] as? String
        #expect(expected == "'HELLO'", "needs point 3: \(test)")
        let words = test["message"] as? String ?? ""
        let said = words.contains("again") || words.contains("differ") || words.contains("visible tests alone")
        #expect(said || (got != nil && got != expected), "a wrong answer with nothing said of the run that decided it: \(test)")
    }

    /// Values whose `__repr__`, `__str__`, `__format__` and `__eq__` lie
    /// ("RIGHT-ANSWER") and print a marker ("REPR-RAN") when called: what a
    /// report shows must be pygrade's rendering of the decoded value (or of
    /// its refusal), never the candidate's words, and nothing may call those
    /// methods (their print would show in the test's output). Such a value
    /// is no data, so there may be no `got`; the call and expected value are
    /// still shown. (Needs point 3 for those; no marker holds today.)
    @Test func theCandidatesOwnReprIsNeverRunNorShown() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'", "'xyz'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            import sys


            def _say(tag):
                print("REPR-RAN", tag)
                print("REPR-RAN", tag, file=sys.stderr)


            class Liar:
                def __eq__(self, other):
                    _say("eq")
                    return True

                def __hash__(self):
                    return 0

                def __repr__(self):
                    _say("repr")
                    return "RIGHT-ANSWER"

                def __str__(self):
                    _say("str")
                    return "RIGHT-ANSWER"

                def __format__(self, spec):
                    _say("format")
                    return "RIGHT-ANSWER"


            class LiarStr(Liar, str):
                pass


            class LiarInt(Liar, int):
                pass


            def shout(s):
                if s == "hello":
                    return LiarStr("HELLO")
                if s == "abc":
                    return [LiarInt(1), "ABC"]
                if s == "xyz":
                    return {LiarStr("k"): Liar()}
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(3).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests)")
        #expect(tests.prefix(3).allSatisfy { $0["call"] is String && $0["expected"] is String }, "needs point 3: \(tests)")
        let shown = Self.leaks(outputs, ["REPR-RAN", "RIGHT-ANSWER"])
        #expect(shown.isEmpty, "a candidate's method ran or its words were shown: \(shown)")
    }

    /// A visible test returns a string of 900,000 characters, a list of
    /// 20,000 ints, a dict of 20,000 entries, a list nested 9,990 deep (just
    /// under the decoder's cap: the worst case for a renderer that recurses,
    /// on `grade`'s main-thread stack). Each shown value is cut to a readable
    /// length with a mark, nothing crashes, and every report stays small.
    /// (Needs point 3.)
    @Test func aHugeOrDeepGotIsCutAndTheReportStaysSmall() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'", "'xyz'", "'qrs'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            def shout(s):
                if s == "hello":
                    return "x" * 900_000
                if s == "abc":
                    return list(range(20_000))
                if s == "xyz":
                    return {str(i): [i, -i] for i in range(20_000)}
                if s == "qrs":
                    value = []
                    for _ in range(9_990):
                        value = [value]
                    return value
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(4).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests.map { $0["message"] ?? "" })")
        let wholeLengths = [900_002, 128_890, 400_000, 19_980]  // len(repr(value)), or a bound under it
        for (test, whole) in zip(tests.prefix(4), wholeLengths) {
            let got = test["got"] as? String ?? ""
            #expect(got.unicodeScalars.count <= 4096, "needs point 3: got of \(got.unicodeScalars.count) characters")
            #expect(Self.isCutAndMarked(test, "got", wholeLength: whole), "needs point 3: got cut with a mark: \(got.prefix(200))")
        }
        for (name, run) in outputs {
            #expect(run.status == 0 || run.status == 1, "\(name): exit \(run.status) (a crash?): \(run.err.prefix(500))")
            #expect(run.stdout.count < 512 << 10, "\(name): \(run.stdout.count) bytes")
        }
    }

    /// Wrong everywhere: each visible test shows its call, expected value
    /// and returned value in every format; a hidden test shows none of them
    /// (its input and its expected value are the hidden data) in any format.
    /// (Needs point 3.)
    @Test func hiddenTestsShowNoCallExpectedOrGot() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("cand.py", "def shout(s):\n    return 'nope'\n")
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.allSatisfy { $0["status"] as? String == "wrong_answer" })
        #expect(tests[0]["got"] as? String == "'nope'", "needs point 3: \(tests[0])")
        #expect(tests[0]["expected"] as? String == "'HELLO'", "needs point 3: \(tests[0])")
        #expect((tests[0]["call"] as? String)?.contains("'hello'") == true, "needs point 3: \(tests[0])")
        for test in tests.dropFirst() {
            #expect(test["call"] == nil && test["expected"] == nil && test["got"] == nil, "a hidden test shows its data: \(test)")
        }
        for name in ["text", "junit", "gradescope", "html"] {
            #expect(try #require(outputs[name]).out.contains("HELLO"), "needs point 3: \(name) shows the expected value")
        }
        #expect(Self.leaks(outputs).isEmpty, "\(Self.leaks(outputs))")
    }
}
