import Foundation
import TestSupport
import Testing

/// A failing visible test shows its call, its expected value and what it
/// returned, from the visible-only run, in every format.
@Suite("Visible tests' call, expected value and result")
struct VisibleCallTests: VisibleOutputSupport {
    // MARK: Call, expected value and result

    /// A wrong result says what was called, what was expected and what came
    /// back, as Python writes them, in every format; the hidden tests, which
    /// fail too, say none of it.
    @Test func aWrongResultShowsTheCallTheExpectedValueAndTheResultInEveryFormat() throws {
        let setup = try Setup(candidate: "def shout(s):\n    return s.lower() + '!'\n")
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["wrong_answer", "wrong_answer", "wrong_answer"], "\(json.stdout)")
        #expect(Self.shown(tests[0]) == ["shout('hello')", "'HELLO'", "'hello!'"], "\(json.stdout)")
        #expect(Self.shown(tests[1]) == [nil, nil, nil] && Self.shown(tests[2]) == [nil, nil, nil])
        let valid = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")

        let formats = try Self.everyFormat(setup)
        let text = try #require(formats["text"])
        #expect(
            text.contains(
                "  shout: test 'visible-word' (wrong_answer):\n    call:     shout('hello')\n    expected: 'HELLO'\n    got:      'hello!'\n"
            ),
            "\(text)")
        let junit = try XMLTree.parse(try #require(formats["junit"]))
        let cases = junit.all("testsuite").flatMap { $0.all("testcase") }
        let failure = cases.first { $0.attributes["name"] == "visible-word" }?.first("failure")?.text ?? ""
        #expect(failure.hasSuffix("\ncall: shout('hello')\nexpected: 'HELLO'\ngot: 'hello!'"), "\(failure)")
        #expect(cases.filter { $0.first("failure")?.text.contains("call:") == true }.count == 1)
        let gradescope = try JSONSerialization.jsonObject(with: Data(try #require(formats["gradescope"]).utf8)) as? [String: Any]
        let entries = try #require(gradescope?["tests"] as? [[String: Any]])
        #expect(
            entries.first { $0["name"] as? String == "shout: visible-word" }?["output"] as? String
                == "wrong_answer: wrong result\n\ncall: shout('hello')\nexpected: 'HELLO'\ngot: 'hello!'")
        #expect(entries.filter { ($0["output"] as? String)?.contains("call:") == true }.count == 1)
        let html = try #require(formats["html"])
        #expect(html.contains("call: shout(&#39;hello&#39;)\nexpected: &#39;HELLO&#39;\ngot: &#39;hello!&#39;"), "\(html)")
        for (format, out) in formats { #expect(!out.contains("SECRET"), "\(format)") }
    }

    /// A long result is cut to a readable length, and says how much more
    /// there was, in every format.
    @Test func aLongResultIsCutWithAMarkInEveryFormat() throws {
        let setup = try Setup(candidate: "def shout(s):\n    return s * 3000\n")
        defer { setup.remove() }
        // repr of 'hello' * 3000: 15002 characters, 200 shown.
        let shown = "'" + String(String(repeating: "hello", count: 40).prefix(199))
        let got = shown + "…(14802 more characters)"
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests[0]["got"] as? String == got, "\(tests[0])")
        for (format, out) in try Self.everyFormat(setup) {
            #expect(out.contains(got.replacingOccurrences(of: "'", with: format == "html" ? "&#39;" : "'")), "\(format): \(out)")
        }
    }

    /// The call shows the arguments as they were before it ran: the call
    /// changing them does not change what the report says was called. The
    /// module also looks for the inputs at load time, to rewrite them, and
    /// must not find them (the zygote froze them, and gc.unfreeze is a
    /// no-op in a job child: gc_guard.c; before the guard it rewrote them,
    /// and the call still showed them as built).
    @Test func aCandidateThatChangesItsArgumentsStillShowsTheCallAsMade() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-mutate-\(UUID().uuidString).py")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
        import gc

        gc.unfreeze()
        for o in gc.get_objects():
            if type(o) is list and o == [1, 2, 3, 2]:
                o[:] = [7, 7]

        def find_duplicates(items):
            seen = list(items)
            items.append(99)
            return seen
        """.write(to: file, atomically: true, encoding: .utf8)
        let json = try PygradeBinary.run(["grade", file.path, "--exercise", "duplicates", "--format", "json"])
        let tests = try Self.tests(json)
        let onePair = try #require(tests.first { $0["name"] as? String == "one-pair" })
        #expect(onePair["message"] as? String == "modified its input", "\(onePair)")
        #expect(onePair["got"] as? String == "[1, 2, 3, 2]", "the load reached the input and rewrote it: \(onePair)")
        #expect(onePair["call"] as? String == "find_duplicates([1, 2, 3, 2])", "\(onePair)")
        #expect(onePair["expected"] as? String == "[2]")
        let text = try PygradeBinary.run(["grade", file.path, "--exercise", "duplicates"])
        #expect(text.stdout.contains("    call:     find_duplicates([])\n"), "\(text.stdout)")
    }

    /// A result holding ANSI escapes and other controls is shown as Python's
    /// repr shows it, escaped: nothing reaches the terminal raw, the JUnit
    /// file stays XML, the HTML shows the escapes as text.
    @Test func aResultWithEscapeSequencesIsShownEscaped() throws {
        let setup = try Setup(
            candidate: #"""
                def shout(s):
                    return "\x1b[2J\x1b]0;pwned\x07\r" + s + "\u202e\x9b"
                """#)
        defer { setup.remove() }
        let got = #"'\x1b[2J\x1b]0;pwned\x07\rhello\u202e\x9b'"#
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests[0]["got"] as? String == got, "\(tests[0])")
        let formats = try Self.everyFormat(setup)
        for (format, out) in formats {
            #expect(
                !out.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\u{202E}" },
                "\(format) holds a raw control character")
        }
        #expect(formats["text"]?.contains("    got:      \(got)\n") == true, "\(formats["text"] ?? "")")
        let junit = try XMLTree.parse(try #require(formats["junit"]))
        let failure = junit.all("testsuite").flatMap { $0.all("testcase") }.first?.first("failure")?.text ?? ""
        #expect(failure.hasSuffix("got: \(got)"), "\(failure)")
        let gradescope = try JSONSerialization.jsonObject(with: Data(try #require(formats["gradescope"]).utf8)) as? [String: Any]
        let output = (gradescope?["tests"] as? [[String: Any]])?.first?["output"] as? String ?? ""
        #expect(output.hasSuffix("got: \(got)"), "\(output)")
        #expect(formats["html"]?.contains("got: " + got.replacingOccurrences(of: "'", with: "&#39;")) == true)
    }

    /// Each test digs out what hidden inputs its process holds (its own, and
    /// those it kept from earlier tests; no later test's, since the gc
    /// guard) and returns them in its result: the hidden tests return their
    /// own inputs, wrong answers only if they were found (the statuses prove
    /// the attack ran). The result shown is the visible-only run's, which
    /// found nothing; the hidden tests show no call, value or result, and no
    /// format carries a hidden input.
    @Test func aResultCarryingHiddenInputsIsNeverShown() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                FOUND = []

                def shout(s):
                    FOUND.extend(dig())
                    return s.lower() + "|" + "|".join(FOUND)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["wrong_answer", "wrong_answer", "wrong_answer"], "the walk found nothing")
        #expect(tests[0]["got"] as? String == "'hello|'", "\(json.stdout)")
        #expect(Self.shown(tests[1]) == [nil, nil, nil] && Self.shown(tests[2]) == [nil, nil, nil])
        for (format, out) in try Self.everyFormat(setup) {
            #expect(!out.contains("SECRET") && !out.contains("7731") && !out.contains("8842"), "\(format) reveals a hidden input:\n\(out)")
        }
        // The schema holds the line too: a hidden test with a result is invalid.
        var report = try json.json()
        var exercises = try #require(report["exercises"] as? [[String: Any]])
        var broken = tests
        broken[1]["got"] = "'leaked'"
        exercises[0]["tests"] = broken
        report["exercises"] = exercises
        let rejected = try SchemaValidator.validate(
            String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self), against: "report.schema.json")
        #expect(rejected.status == 1 && rejected.problems.contains("exercises/0/tests/1"), "\(rejected.problems)")
    }

    /// The second run costs a fork and the visible tests again: it happens
    /// only when there is text to take from it.
    @Test func aSubmissionThatPrintsNothingIsNotRunAgain() throws {
        let quiet = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--timings"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("visible re-runs: 0\n"), "\(quiet.stderr)")
        let setup = try Setup(candidate: "def shout(s):\n    print(s)\n    return s.upper()\n")
        defer { setup.remove() }
        let loud = try setup.grade("json", ["--timings"])
        #expect(loud.stderr.contains("visible re-runs: 1\n"), "\(loud.stderr)")
    }
}
