import Foundation
import TestSupport
import Testing

@testable import PygradeKit

/// The renderers over hand-made reports: no process runs.
@Suite("Report renderers")
struct ReportRendererTests {
    static func test(
        _ name: String, _ status: TestStatus, visibility: Visibility = .hidden, hint: String = "basic", output: String? = nil,
        message: String? = nil
    ) -> TestReport {
        TestReport(
            name: name, status: status, visibility: visibility, score: status == .passed ? 5 : 0, maxScore: 5, cpuMs: 1.5, peakKiB: 100,
            hint: hint, output: output, message: message)
    }

    /// Output a candidate printed can hold anything: controls XML forbids,
    /// markup, a CDATA terminator, quotes and line breaks.
    static let nasty = "a\u{0}b\u{1B}[31mc\u{7}<d>&e]]>\"f'\n\tg\r\u{FFFE}👍🏽 é"

    static let report = Report(
        submission: "cand<1>.py", sha256: String(repeating: "a", count: 64),
        exercises: [
            ExerciseReport(
                id: "reverse", status: .ruleViolation, score: 5, maxScore: 20, message: "line 3: slicing with a step is not allowed",
                tests: [
                    test("empty", .passed, visibility: .visible, hint: "empty input", output: nasty),
                    test("emoji", .wrongAnswer, visibility: .visible, hint: "unicode", message: "wrong result \"quoted\"\nsecond line"),
                    test("huge", .timeLimitExceeded, hint: "large input", message: "time limit exceeded"),
                    test("combining", .passed, hint: "unicode"),
                ],
                rules: [RuleReport(id: "no-slice-step", line: 3, message: "slicing with a step is not allowed")]),
            ExerciseReport(
                id: "flatten", status: .syntaxError, score: 0, maxScore: 20,
                message: "the submission does not compile: line 2: SyntaxError: expected ':'", tests: [], rules: []),
        ],
        grader: GraderInfo(version: "0.1.0", exercisesSHA256: String(repeating: "b", count: 64), sandbox: ["rlimits"]))

    @Test func junitSurvivesAnyOutputAndKeepsMessagesExact() throws {
        let root = try XMLTree.parse(JUnitReport.render(Self.report))
        #expect(root.attributes["name"] == "cand<1>.py")
        #expect(root.attributes["tests"] == "6")
        let suites = root.all("testsuite")
        #expect(suites.map { $0.attributes["name"] } == ["reverse", "flatten"])
        let cases = suites[0].all("testcase")
        #expect(cases.map { $0.attributes["name"] } == ["empty", "emoji", "huge", "combining", "rule no-slice-step"])
        #expect(suites[0].attributes["failures"] == "2" && suites[0].attributes["errors"] == "1")
        // Attribute values keep their line breaks and quotes.
        #expect(cases[1].first("failure")?.attributes["message"] == "wrong result \"quoted\"\nsecond line")
        #expect(cases[2].first("error")?.attributes["type"] == "time_limit_exceeded")
        #expect(cases[2].first("error")?.attributes["message"] == "[large input] time limit exceeded")
        #expect(cases[4].first("failure")?.attributes["type"] == "rule_violation")
        // Forbidden characters are replaced, everything else is kept.
        let out = try #require(cases[0].first("system-out")?.text)
        #expect(out == "a\u{FFFD}b\u{FFFD}[31mc\u{FFFD}<d>&e]]>\"f'\n\tg\r\u{FFFD}👍🏽 é")
        // A visible test's time is its CPU; a hidden test has none, even
        // from a report that carried one (a second lock: the builder gives
        // it none). The rule's case has no CPU of its own: 0.
        #expect(cases.map { $0.attributes["time"] } == ["0.001500", "0.001500", nil, nil, "0.000000"])
        // A suite that never ran still counts as one failed case.
        let flatten = suites[1].all("testcase")
        #expect(flatten.map { $0.attributes["name"] } == ["compile"])
        #expect(flatten.first?.first("error")?.attributes["type"] == "syntax_error")
    }

    /// Output shows only for visible tests, even if a report carried it for
    /// a hidden one; the text form escapes controls and says when it was cut.
    @Test func outputIsShownForVisibleTestsOnly() throws {
        var cut = Self.test("first", .wrongAnswer, visibility: .visible, output: "one\n\u{1B}[2Jtwo\n", message: "wrong result")
        cut.outputTruncated = true
        let report = Report(
            submission: "s.py", sha256: "h",
            exercises: [
                ExerciseReport(
                    id: "demo", status: .wrongAnswer, score: 0, maxScore: 10, message: "test 'first': raised ValueError: a\n\u{1B}[2Jb",
                    tests: [cut, Self.test("second", .wrongAnswer, output: "hidden-output", message: "wrong result")], rules: [])
            ],
            grader: GraderInfo(version: "t", exercisesSHA256: "x", sandbox: []))
        let text = TextReport(colour: false).render(report)
        #expect(text.contains("  demo: output of test 'first' (wrong_answer):\n    | one\n    | \\u{1B}[2Jtwo\n"), "\(text)")
        #expect(text.contains("cut: only the first 4096 bytes are kept") && !text.contains("\u{1B}"))
        #expect(text.contains("test 'first': raised ValueError: a\\u{A}\\u{1B}[2Jb\n"), "\(text)")
        let junit = JUnitReport.render(report)
        #expect(junit.contains("output cut, only the first 4096 bytes are kept"))
        let gradescope = try GradescopeReport(report).encoded()
        for rendered in [text, junit, gradescope] { #expect(!rendered.contains("hidden-output")) }
    }

    /// A visible test's call and values reach every format; a hidden test's
    /// would not even if a report carried them (a second lock).
    @Test func callAndValuesAreShownForVisibleTestsOnly() throws {
        var visible = Self.test("first", .wrongAnswer, visibility: .visible, message: "wrong result")
        visible.call = "f('<b>&')"
        visible.expected = "'x'"
        visible.got = "'y'…(3 more characters)"
        var hidden = Self.test("second", .wrongAnswer, message: "wrong result")
        hidden.call = "f('hidden-call')"
        hidden.expected = "'hidden-expected'"
        hidden.got = "'hidden-got'"
        let report = Report(
            submission: "s.py", sha256: "h",
            exercises: [
                ExerciseReport(
                    id: "demo", status: .wrongAnswer, score: 0, maxScore: 10, message: "test 'first': wrong result",
                    tests: [visible, hidden], rules: [])
            ],
            grader: GraderInfo(version: "t", exercisesSHA256: "x", sandbox: []))
        let text = TextReport(colour: false).render(report)
        #expect(
            text.contains(
                "  demo: test 'first' (wrong_answer):\n    call:     f('<b>&')\n    expected: 'x'\n    got:      'y'…(3 more characters)\n"),
            "\(text)")
        let junit = try XMLTree.parse(JUnitReport.render(report))
        let failure = junit.all("testsuite").first?.all("testcase").first?.first("failure")?.text
        #expect(
            failure?.hasSuffix("wrong result\ncall: f('<b>&')\nexpected: 'x'\ngot: 'y'…(3 more characters)") == true, "\(failure ?? "")")
        let gradescope = GradescopeReport(report)
        #expect(gradescope.tests[0].output == "wrong_answer: wrong result\n\ncall: f('<b>&')\nexpected: 'x'\ngot: 'y'…(3 more characters)")
        for rendered in [text, JUnitReport.render(report), try gradescope.encoded()] { #expect(!rendered.contains("hidden-")) }
    }

    @Test func junitOfChecksGroupsByKind() throws {
        let items = [
            CheckItem(kind: .definition, name: "a", ok: true, detail: "3 tests", milliseconds: 0),
            CheckItem(kind: .fixture, name: "Fixtures/x.py", ok: false, detail: "a: expected passed, got wrong_answer", milliseconds: 12),
            CheckItem(kind: .fixture, name: "Fixtures/y.py", ok: true, detail: "a=passed", milliseconds: 8),
        ]
        let root = try XMLTree.parse(JUnitReport.render(checks: items))
        #expect(root.all("testsuite").map { $0.attributes["name"] } == ["definition", "fixture"])
        let fixture = root.all("testsuite")[1]
        #expect(fixture.attributes["failures"] == "1" && fixture.attributes["time"] == "0.020000")
        #expect(fixture.all("testcase")[0].first("failure")?.attributes["message"] == "a: expected passed, got wrong_answer")
        #expect(fixture.all("testcase")[1].children.isEmpty)
    }

    @Test func junitOfChecksKeepsEveryKindOfCheck() throws {
        let items = CheckItem.Kind.allCases.map { CheckItem(kind: $0, name: $0.rawValue, ok: false, detail: "broken", milliseconds: 1) }
        let root = try XMLTree.parse(JUnitReport.render(checks: items))
        #expect(root.all("testsuite").map { $0.attributes["name"] } == CheckItem.Kind.allCases.map(\.rawValue))
        #expect(root.all("testsuite").allSatisfy { $0.all("testcase").first?.first("failure") != nil })
    }

    @Test func gradescopeCarriesScoresStatusesAndVisibility() throws {
        let g = GradescopeReport(Self.report, hidden: .afterDueDate)
        #expect(g.score == 5 && g.maxScore == 40)
        #expect(
            g.tests.map(\.name) == [
                "reverse: empty", "reverse: emoji", "reverse: huge", "reverse: combining", "reverse: rule no-slice-step", "flatten",
            ])
        #expect(g.tests.map(\.visibility) == [.visible, .visible, .afterDueDate, .afterDueDate, .visible, .visible])
        #expect(g.tests.map(\.status) == ["passed", "failed", "failed", "passed", "failed", "failed"])
        #expect(g.tests.map(\.number) == ["1.1", "1.2", "1.3", "1.4", "1.5", "2"])
        #expect(g.tests[0].output.contains("--- output ---"))
        #expect(g.tests[2].output == "time_limit_exceeded: [large input] time limit exceeded")
        #expect(g.tests[5].output.hasPrefix("syntax_error: the submission does not compile"))
        #expect(g.tests[5].maxScore == 20)
        let json = try JSONSerialization.jsonObject(with: Data(try g.encoded().utf8)) as? [String: Any]
        #expect(json?["max_score"] as? Double == 40)
        #expect((json?["tests"] as? [[String: Any]])?.first?["max_score"] as? Double == 5)
        // The rule's entry carries the penalty: 10 points earned, 5 kept.
        #expect(g.tests.map(\.score) == [5, 0, 0, 5, -5, 0])
        #expect(json?["execution_time"] == nil)
        #expect(GradescopeReport(Self.report, executionSeconds: 1.2345).executionTime == 1.23)
    }

    /// Largest remainder in cents: parts add up to the total exactly.
    @Test func centsSplitAddsUpExactly() {
        #expect(Cents.split(2000, weights: Array(repeating: 1, count: 14)) == Array(repeating: 143, count: 12) + [142, 142])
        #expect(Cents.split(1000, weights: [1, 1, 1]) == [334, 333, 333])
        #expect(Cents.split(100, weights: [0, 0]) == [50, 50])
        #expect(Cents.split(0, weights: [3, 4]) == [0, 0])
        for n in 1...40 {
            for total in [1, 999, 2000, 2001] {
                let weights = (0..<n).map { 100 + ($0 * 37) % 13 }
                let parts = Cents.split(total, weights: weights)
                #expect(parts.reduce(0, +) == total && parts.allSatisfy { $0 >= 0 })
            }
        }
    }

    /// 20 points over 17 equal tests, 12 passed: the report rounds each
    /// test to 1.18 (20.06 in all); Gradescope's entries add up to 20.00 and
    /// to the exercise's 14.12, each passed test earning its maximum.
    @Test func gradescopeEntriesOfAnExerciseAddUpToItsScore() {
        let tests = (0..<17).map { i in
            TestReport(
                name: "t\(i)", status: i % 3 == 0 && i < 15 ? .wrongAnswer : .passed, visibility: .hidden, score: 0, maxScore: 1.18,
                cpuMs: 0, peakKiB: 0, hint: "basic")
        }
        let passed = tests.filter { $0.status == .passed }.count
        #expect(passed == 12)
        let e = ExerciseReport(id: "x", status: .wrongAnswer, score: 14.12, maxScore: 20, message: "", tests: tests, rules: [])
        let (scores, maxima, penalty) = Cents.split(e)
        #expect(scores.reduce(0, +) == 1412 && maxima.reduce(0, +) == 2000 && penalty == 0)
        for i in tests.indices {
            #expect(tests[i].status == .passed ? scores[i] == maxima[i] : scores[i] == 0)
            #expect((117...118).contains(maxima[i]), "\(maxima)")
        }
        // A forged frame voids every claim: no test earns anything.
        var forged = e
        forged.status = .sandboxViolation
        forged.score = 0
        #expect(Cents.split(forged).scores.allSatisfy { $0 == 0 })
        #expect(Cents.split(forged).maxScores.reduce(0, +) == 2000)
    }

    /// The report's JSON: `schema` and `submission` first, every other key
    /// sorted at every depth, laid out two spaces a level; strings untouched.
    @Test func reportJSONHasOneKeyOrderAndKeepsStringsIntact() throws {
        var report = Self.report
        report.exercises[0].tests[0].output = Self.nasty + "{\"a\": [1, 2], \"b\": {}}, \\"
        let text = try ReportJSON.encode(report)
        #expect(text.hasPrefix("{\n  \"schema\": \"pygrade.report/1\",\n  \"submission\": \"cand<1>.py\",\n  \"exercises\": [\n    {\n"))
        #expect(text.contains("\"rules\": [],") || text.contains("\"rules\": []\n"))
        let decoded = try JSONDecoder().decode(Report.self, from: Data(text.utf8))
        #expect(decoded.exercises[0].tests[0].output == report.exercises[0].tests[0].output)
        let compact = try ReportJSON.encode(report, pretty: false)
        #expect(!compact.contains("\n"))
        #expect(
            try JSONSerialization.jsonObject(with: Data(compact.utf8)) as? NSDictionary
                == JSONSerialization.jsonObject(with: Data(text.utf8)) as? NSDictionary)
        #expect(try ReportJSON.encode(report) == text)
    }

    @Test func textAlignsEveryColumn() {
        let text = TextReport(colour: false).render(Self.report)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "cand<1>.py  failed  5/40")
        #expect(lines[1] == "  exercise  status          score  tests  first failure")
        #expect(lines[2] == "  reverse   rule_violation   5/20    2/4  line 3: slicing with a step is not allowed")
        #expect(lines[3] == "  flatten   syntax_error     0/20      -  the submission does not compile: line 2: SyntaxError: expected ':'")
    }

    /// Lines above the table: a weaker sandbox, and a submission that
    /// defines no graded entry point. Neither appears otherwise.
    @Test func textSaysAWeakerSandboxAndAFileThatDefinesNothingAboveTheTable() {
        var r = Self.report
        r.grader.sandbox = ["userns", "missing:netns", "seccomp", "missing:landlock"]
        let weaker = TextReport(colour: false).render(r).split(separator: "\n").map(String.init)
        #expect(weaker[1] == "weaker sandbox: missing netns, landlock (`pygrade doctor` says why)")
        #expect(weaker[2].hasPrefix("  exercise "))
        #expect(!TextReport(colour: false).render(Self.report).contains("weaker sandbox"))
        // Not in what a candidate reads on Gradescope.
        #expect(!GradescopeReport(r).output.contains("weaker sandbox"))

        let missing = ExerciseReport(
            id: "flatten", status: .missing, score: 0, maxScore: 20, message: "`flatten_list` is not defined; x.py defines f", tests: [],
            rules: [])
        var none = Self.report
        none.exercises = [missing, missing]
        let lines = TextReport(colour: false).render(none).split(separator: "\n").map(String.init)
        #expect(lines[1] == "this submission defines none of the graded functions: every exercise is missing")
        #expect(lines[2].hasPrefix("  exercise "))
        none.exercises[1] = Self.report.exercises[0]
        #expect(!TextReport(colour: false).render(none).contains("defines none"))
    }

    @Test(arguments: [
        ([String: String](), true, true),
        ([:], false, false),
        (["NO_COLOR": "1"], true, false),
        (["NO_COLOR": ""], true, false),
        (["TERM": "dumb"], true, false),
        (["TERM": "xterm-256color"], true, true),
    ])
    func colourOnlyOnATerminalAndNeverWithNoColor(environment: [String: String], terminal: Bool, wanted: Bool) {
        #expect(TextReport.colourWanted(environment: environment, isTerminal: terminal) == wanted)
    }
}
