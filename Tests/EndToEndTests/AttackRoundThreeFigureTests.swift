import Foundation
import TestSupport
import Testing

/// Round three (see AttackRoundThreeTests): the figures a report shows and
/// the time a test gets, chosen by what the candidate does with inputs it
/// can reach; what outlives the normal run; names the visible run gives.
@Suite("Attacks, round three: figures and time")
struct AttackRoundThreeFigureTests: VisibleOutputSupport {
    // MARK: Figures and what outlives a run

    /// The `shout` exercise's tests in the JSON report (VisibleOutputSetup:
    /// a visible 'hello', hidden 'zq-SECRET-7731' and 'zq-SECRET-8842') of `source`.
    static func shoutTests(_ source: String) throws -> [[String: Any]] {
        let setup = try Setup(candidate: source)
        defer { setup.remove() }
        return try Self.tests(try setup.grade("json"))
    }

    /// The `shout` exercise's JSON report (VisibleOutputSetup: a visible
    /// 'hello', hidden 'zq-SECRET-7731' and 'zq-SECRET-8842') of `source`:
    /// the exercise, after every format was checked to show no figure of a
    /// hidden test (`expectNoHiddenTestFigure`).
    static func shoutExercise(_ source: String) throws -> [String: Any] {
        let setup = try Setup(candidate: source)
        defer { setup.remove() }
        try expectNoHiddenTestFigure(setup)
        let result = try setup.grade("json")
        return try #require((try result.json()["exercises"] as? [[String: Any]])?.first, "\(result.stderr)")
    }

    /// No format shows a figure of a hidden test, and a visible test keeps
    /// its own: the JSON report (valid against the schema, which forbids
    /// them), JUnit (a hidden `<testcase>` has no `time`), a batch's results
    /// file and HTML report (a dash in the CPU column); the text report,
    /// Gradescope's results and the CSV give no per-test figure at all.
    static func expectNoHiddenTestFigure(_ setup: Setup) throws {
        let json = try setup.grade("json")
        #expect(try SchemaValidator.validate(json.stdout, against: "report.schema.json").status == 0, "\(json.stdout)")
        expectFigures(try tests(json), "json")
        let junit = try XMLTree.parse(try setup.grade("junit").stdout)
        let cases = junit.all("testsuite").flatMap { $0.all("testcase") }
        #expect(cases.map(\.name).count == 3)
        for c in cases {
            let name = c.attributes["name"] ?? ""
            #expect((c.attributes["time"] != nil) == (name == "visible-word"), "junit: \(name): \(c.attributes)")
        }
        let folder = setup.dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try? FileManager.default.copyItem(at: setup.candidate, to: folder.appendingPathComponent("cand.py"))
        let (results, html) = (setup.dir.appendingPathComponent("r.jsonl"), setup.dir.appendingPathComponent("report.html"))
        let batch = try PygradeBinary.run([
            "batch", folder.path, "--out", results.path, "--exercises-dir", setup.exercises.path, "--no-progress", "--jobs", "1",
            "--report", html.path,
        ])
        #expect(batch.status == 0, "\(batch.stderr)")
        let line = try #require(
            try JSONSerialization.jsonObject(with: try Data(contentsOf: results)) as? [String: Any], "one results line")
        let exercise = try #require((line["exercises"] as? [[String: Any]])?.first)
        expectFigures(exercise["tests"] as? [[String: Any]] ?? [], "results file")
        let page = try String(contentsOf: html, encoding: .utf8)
        for name in ["visible-word", "hidden-word", "hidden-other"] {
            let row = try #require(page.firstMatch(of: try Regex("<tr><td>\(name)</td>.*?</tr>"))?.output[0].substring)
            #expect(row.hasSuffix("<td>–</td></tr>") == name.hasPrefix("hidden"), "html: \(row)")
        }
    }

    /// A JSON report's tests: every test has both figures (the contract's
    /// fields), and every hidden test the same ones.
    static func expectFigures(_ tests: [[String: Any]], _ format: String) {
        #expect(tests.count == 3, "\(format): \(tests)")
        #expect(tests.allSatisfy { $0["cpu_ms"] is Double && $0["peak_kib"] is Int }, "\(format): \(tests)")
        let hidden = tests.filter { $0["visibility"] as? String == "hidden" }
        #expect(hidden.count == 2, "\(format): \(tests)")
        #expect(Set(hidden.map { "\($0["cpu_ms"] ?? "") \($0["peak_kib"] ?? "")" }).count == 1, "\(format): \(hidden)")
    }

    /// Held (round three: BROKE). Every figure is measured by the worker,
    /// but the candidate chooses what there is to measure: each call spins
    /// on CPU for 4 ms per unit of its input's last two digits and answers
    /// right. The hidden tests' `cpu_ms` read back 31 and 42 (7731, 8842),
    /// give or take one: about 8 bits of each hidden input, in JSON, JUnit
    /// and results files. Now no hidden test has a figure of its own, in
    /// any format: each shows the hidden tests' mean. The exercise's total
    /// counts them: one number, the few bits docs/reports.md ("Figures")
    /// says it can carry.
    @Test func hiddenInputsDoNotReachTheCPUFigure() throws {
        let exercise = try Self.shoutExercise(
            """
            import time


            def shout(s):
                units = int(s[-2:]) if s[-2:].isdigit() else 0
                end = time.process_time() + units * 0.004
                while time.process_time() < end:
                    pass
                return s.upper()
            """)
        let tests = exercise["tests"] as? [[String: Any]] ?? []
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"], "\(tests)")
        let hidden = tests.dropFirst().map { $0["cpu_ms"] as? Double ?? -1 }
        #expect(hidden.count == 2 && hidden[0] == hidden[1], "each hidden test's cpu_ms is the same mean: \(hidden)")
        let total = exercise["cpu_ms"] as? Double ?? 0
        #expect(total >= 4 * (31 + 42) * 0.9, "the exercise's CPU counts its hidden tests: \(total) ms")
    }

    /// Held (round three: BROKE): the same through the peak resident
    /// memory, 2 MiB per unit of the last two digits (the visible test
    /// allocates for 20 units to set a mark): the first hidden test's
    /// `peak_kib`, less the visible one's, read back 31. Now every hidden
    /// test shows the hidden tests' highest peak (42 units), and so does
    /// the exercise.
    @Test func hiddenInputsDoNotReachThePeakMemoryFigure() throws {
        let exercise = try Self.shoutExercise(
            """
            def shout(s):
                units = int(s[-2:]) if s[-2:].isdigit() else 20
                block = bytearray(units << 21)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                return s.upper()
            """)
        let tests = exercise["tests"] as? [[String: Any]] ?? []
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"], "\(tests)")
        let hidden = tests.dropFirst().map { $0["peak_kib"] as? Int ?? -1 }
        #expect(hidden.count == 2 && hidden[0] == hidden[1], "each hidden test's peak_kib is the same: \(hidden)")
        let visible = tests.first?["peak_kib"] as? Int ?? 0
        let peak = exercise["peak_kib"] as? Int ?? 0
        #expect(visible >= 40 << 10 && peak >= visible + 22 << 10, "visible test \(visible) KiB, exercise \(peak) KiB")
    }

    /// Every test's peak is measured, the last one's too. The worker reads a
    /// test's peak from the child's /proc status when its result arrives;
    /// a child sends its last result and DONE and exits, and when the
    /// worker reads them after that exit, /proc has no memory to show: the
    /// peak read 0 (37 of 60 tests here, the first's too when both results
    /// came in one read). It now comes from wait4 then. Thirty candidates
    /// in one batch, each an exercise of two visible tests.
    @Test func theLastTestsPeakIsMeasured() throws {
        let folder = TemporaryFolder(prefix: "pygrade-peak")
        defer { folder.remove() }
        folder.write(
            "exercises/echo/exercise.yaml",
            """
            id: echo
            title: Echo
            entry: echo
            tests:
              - {name: first, visibility: visible, hint: basic, args: ["'hello'"]}
              - {name: last, visibility: visible, hint: basic, args: ["'world'"]}
            """)
        let answer = "def echo(s):\n    return s\n"
        for (file, text) in [("prompt.md", "Echo.\n"), ("starter.py", "def echo(s):\n    pass\n"), ("reference.py", answer)] {
            folder.write("exercises/echo/\(file)", text)
        }
        for n in 0..<30 { folder.write("candidates/c\(n).py", answer) }
        let results = folder.url.appendingPathComponent("r.jsonl")
        let batch = try PygradeBinary.run([
            "batch", folder.path("candidates"), "--out", results.path, "--exercises-dir", folder.path("exercises"),
            "--no-progress", "--jobs", "1",
        ])
        #expect(batch.status == 0, "\(batch.stderr)")
        let lines = try String(contentsOf: results, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 30)
        for line in lines {
            let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let echo = try #require((report["exercises"] as? [[String: Any]])?.first)
            let peaks = (echo["tests"] as? [[String: Any]] ?? []).map { $0["peak_kib"] as? Int ?? 0 }
            // A Python process holds several MiB before any test runs.
            #expect(peaks.count == 2 && peaks.allSatisfy { $0 > 4096 }, "\(report["submission"] ?? ""): peaks \(peaks)")
            #expect(echo["peak_kib"] as? Int == peaks.max(), "the exercise's peak is its tests' highest: \(echo)")
        }
    }

    /// Held: the normal run's children share a scratch folder within a job,
    /// so a hidden test can leave its input in a file for the next one (the
    /// second hidden test returns what it found: wrong_answer, the proof).
    /// The visible-only run, whose output reaches the report, starts in a
    /// scratch of its own: its visible test finds nothing.
    @Test func aFileTheNormalRunLeavesIsNotThereForTheVisibleRun() throws {
        let tests = try Self.shoutTests(
            """
            import os


            def shout(s):
                if os.path.exists("relay"):
                    with open("relay", encoding="utf-8") as f:
                        found = f.read()
                    print("relay:", found)
                    return found
                if s == "hello":
                    print("no relay")
                else:
                    with open("relay", "w", encoding="utf-8") as f:
                        f.write(s)
                return s.upper()
            """)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "wrong_answer"], "\(tests)")
        #expect(tests[0]["output"] as? String == "no relay\n", "\(tests[0])")
        #expect(!"\(tests)".contains("SECRET"), "\(tests)")
    }

    /// Held: in the visible-only run a class of the candidate's is named in
    /// its exception's words (`raised <name>`); a name holding terminal
    /// escapes (OSC title, clear screen) is shown escaped in the text report.
    @Test func anExceptionClassNamedWithEscapesIsShownEscaped() throws {
        let setup = try Setup(
            candidate: """
                Boom = type("\\x1b]0;owned\\x07\\x1b[2JBoom", (Exception,), {})


                def shout(s):
                    if s == "hello":
                        raise Boom()
                    return s.upper()
                """)
        defer { setup.remove() }
        let text = try setup.grade("text")
        #expect(text.status == 1, "\(text.stderr)")
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{07}"), "\(text.stdout.debugDescription)")
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests.map { $0["status"] as? String } == ["runtime_error", "passed", "passed"], "\(tests)")
        #expect((tests[0]["message"] as? String)?.contains("owned") == true, "\(tests[0])")
    }
}
