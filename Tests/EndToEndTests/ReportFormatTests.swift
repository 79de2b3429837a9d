import Foundation
import TestSupport
import Testing

/// Every output format of `pygrade grade` and `pygrade check`, read back with
/// a real parser: XMLParser for JUnit, a JSON Schema validator for the report
/// and for Gradescope's results.json.
@Suite("Report formats")
struct ReportFormatTests {
    /// Between them: passed, wrong answers (visible and hidden), a runtime
    /// error, a syntax error, a missing entry point and a folder submission.
    static let submissions = ["correct.py", "returns_set.py", "syntax_error.py", "flatten_recursive_extend.py", "folder_submission"]

    @Test(arguments: submissions)
    func jsonReportValidatesAgainstTheSchema(fixture: String) throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture(fixture), "--format", "json"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let outcome = try SchemaValidator.validate(result.stdout, against: "report.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
    }

    @Test(arguments: submissions)
    func gradescopeResultsValidateAndAddUp(fixture: String) throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture(fixture), "--format", "gradescope"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let outcome = try SchemaValidator.validate(result.stdout, against: "gradescope.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
        let json = try result.json()
        let tests = try #require(json["tests"] as? [[String: Any]])
        #expect(tests.allSatisfy { ["passed", "failed"].contains($0["status"] as? String ?? "") })
        try Self.expectAddsUpInCents(json, fixture)
    }

    /// What a student sees on Gradescope adds up: the tests' scores to the
    /// total score and their maxima to the total maximum, to the cent (20
    /// points over 14 tests is not fourteen tests of 1.43), a rule's penalty
    /// included (an entry with a negative score); and the run's
    /// `execution_time` is there.
    @Test(arguments: submissions + ["reverse_slice_step.py", "forged_frames.py", "cache_linear_list.py"])
    func gradescopeScoresAddUpToTheTotalExactly(fixture: String) throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture(fixture), "--format", "gradescope"])
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        let json = try result.json()
        try Self.expectAddsUpInCents(json, fixture)
        let seconds = try #require(json["execution_time"] as? Double, "no execution_time")
        #expect(seconds > 0 && seconds < result.seconds + 0.5, "execution_time \(seconds) s for a run of \(result.seconds) s")
        if fixture == "reverse_slice_step.py" {
            let rule = try #require(
                (json["tests"] as? [[String: Any]])?.first { ($0["name"] as? String)?.hasPrefix("reverse: rule ") == true })
            #expect(rule["score"] as? Double == -20 && rule["max_score"] as? Double == 0, "\(rule)")
        }
    }

    static func expectAddsUpInCents(_ json: [String: Any], _ what: String) throws {
        let tests = try #require(json["tests"] as? [[String: Any]])
        func cents(_ x: Any?) throws -> Int {
            let value = try #require(x as? Double, "not a number: \(String(describing: x))")
            let c = (value * 100).rounded()
            #expect(abs(value * 100 - c) < 1e-6, "\(what): \(value) is not in whole cents")
            return Int(c)
        }
        let score = try tests.reduce(0) { $0 + (try cents($1["score"])) }
        let max = try tests.reduce(0) { $0 + (try cents($1["max_score"])) }
        #expect(
            score == (try cents(json["score"])), "\(what): the tests' scores add up to \(score) cents, the total is \(json["score"] ?? "")")
        #expect(
            max == (try cents(json["max_score"])),
            "\(what): the tests' maxima add up to \(max) cents, the total is \(json["max_score"] ?? "")")
        // Per exercise too: its entries carry exactly its points.
        let report = try #require(json["extra_data"] as? [String: Any])
        #expect(report["schema"] as? String == "pygrade.report/1")
        var byExercise: [String: Int] = [:]
        for t in tests {
            let id = String((t["name"] as? String ?? "").prefix { $0 != ":" })
            byExercise[id, default: 0] += try cents(t["max_score"])
        }
        #expect(byExercise.values.allSatisfy { $0 == 2000 }, "\(what): \(byExercise)")
    }

    /// The same submission graded twice gives the same bytes, but for the
    /// figures measured (CPU, memory): keys in one fixed order, `schema` and
    /// `submission` first, in every JSON pygrade writes.
    @Test(arguments: ["correct.py", "flatten_recursive_extend.py", "reverse_slice_step.py"])
    func jsonIsByteIdenticalFromRunToRunButForTimings(fixture: String) throws {
        func run(_ format: String) throws -> String {
            let result = try PygradeBinary.run(["grade", PygradeBinary.fixture(fixture), "--format", format])
            #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
            return result.stdout.replacing(/"(cpu_ms|peak_kib|execution_time)" *: *[0-9.e+-]+/) { "\"\($0.output.1)\": 0" }
        }
        for format in ["json", "gradescope"] {
            let first = try run(format)
            let second = try run(format)
            #expect(first == second, "two runs differ in \(format)")
        }
        let json = try run("json")
        #expect(
            json.hasPrefix("{\n  \"schema\": \"pygrade.report/1\",\n  \"submission\": \"\(PygradeBinary.fixture(fixture))\",\n"),
            "\(json.prefix(200))")
        // Below the top, keys are sorted: an exercise's and a test's.
        #expect(json.contains("{\n      \"id\": "), "\(json.prefix(600))")
        #expect(json.contains("{\n          \"cpu_ms\": 0,\n          \"hint\": "), "\(json.prefix(900))")
    }

    /// A failing visible test carries its call, the expected value and what
    /// it returned, as Python writes them; no hidden test carries any; the
    /// report still validates.
    @Test func visibleFailuresCarryTheirCallAndValues() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("returns_set.py"), "--format", "json"])
        let outcome = try SchemaValidator.validate(result.stdout, against: "report.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
        let exercises = try #require(try result.json()["exercises"] as? [[String: Any]])
        func test(_ exercise: String, _ name: String) -> [String: Any]? {
            (exercises.first { $0["id"] as? String == exercise }?["tests"] as? [[String: Any]])?.first { $0["name"] as? String == name }
        }
        let values = { (t: [String: Any]?) in ["call", "expected", "got"].map { t?[$0] as? String } }
        #expect(values(test("duplicates", "one-pair")) == ["find_duplicates([1, 2, 3, 2])", "[2]", "{2}"])
        #expect(values(test("flatten", "one-level")) == ["flatten_list([1, [2, 3], 4])", "[1, 2, 3, 4]", "{1, 2, 3}"])
        let tests = exercises.flatMap { $0["tests"] as? [[String: Any]] ?? [] }
        let hidden = tests.filter { $0["visibility"] as? String == "hidden" }
        #expect(hidden.contains { $0["status"] as? String == "wrong_answer" })
        #expect(hidden.allSatisfy { $0["call"] == nil && $0["expected"] == nil && $0["got"] == nil })
    }

    /// The validator is real: a report missing a field or with an unknown
    /// status is rejected, so the tests above can fail.
    @Test func theSchemaRejectsABrokenReport() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("returns_set.py"), "--format", "json"])
        var report = try result.json()
        report.removeValue(forKey: "verdict")
        var exercises = try #require(report["exercises"] as? [[String: Any]])
        exercises[0]["status"] = "exploded"
        report["exercises"] = exercises
        let broken = String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self)
        let outcome = try SchemaValidator.validate(broken, against: "report.schema.json")
        #expect(outcome.status == 1)
        #expect(outcome.problems.contains("'verdict' is a required property"))
        #expect(outcome.problems.contains("exercises/0/status"))
    }

    @Test func junitHasASuitePerExerciseAndACasePerTest() throws {
        let path = PygradeBinary.fixture("flatten_recursive_extend.py")
        let json = try PygradeBinary.run(["grade", path, "--format", "json"]).json()
        let result = try PygradeBinary.run(["grade", path, "--format", "junit"])
        #expect(result.status == 1, "\(result.stderr)")
        let root = try XMLTree.parse(result.stdout)
        #expect(root.name == "testsuites")
        let exercises = try #require(json["exercises"] as? [[String: Any]])
        let suites = root.all("testsuite")
        #expect(suites.map { $0.attributes["name"] } == exercises.map { $0["id"] as? String })
        var cases = 0
        for (suite, exercise) in zip(suites, exercises) {
            let tests = exercise["tests"] as? [[String: Any]] ?? []
            let testcases = suite.all("testcase")
            cases += testcases.count
            #expect(suite.attributes["tests"] == "\(testcases.count)")
            if tests.isEmpty {
                // `duplicates` is missing here: one case that says so.
                #expect(testcases.count == 1)
                #expect(testcases.first?.first("error")?.attributes["type"] == exercise["status"] as? String)
                continue
            }
            #expect(testcases.map { $0.attributes["name"] } == tests.map { $0["name"] as? String })
            var failing = 0
            for (testcase, test) in zip(testcases, tests) {
                let status = test["status"] as? String
                let problem = testcase.first("failure") ?? testcase.first("error")
                if status == "passed" {
                    #expect(problem == nil)
                    continue
                }
                failing += 1
                let p = try #require(problem, "\(test["name"] ?? "") failed but has no failure element")
                #expect(p.name == (status == "wrong_answer" ? "failure" : "error"))
                #expect(p.attributes["type"] == status)
                #expect(p.attributes["message"]?.isEmpty == false)
                if test["visibility"] as? String == "hidden" {
                    #expect(p.attributes["message"]?.hasPrefix("[\(test["hint"] as? String ?? "")]") == true)
                }
            }
            let counted = Int(suite.attributes["failures"] ?? "") ?? -1
            let errors = Int(suite.attributes["errors"] ?? "") ?? -1
            #expect(counted + errors == failing)
        }
        #expect(root.attributes["tests"] == "\(cases)")
    }

    /// A hidden input never reaches any format: not through the exception
    /// text that quotes it, nor through what the candidate prints (its
    /// process holds every input, so a visible test can print hidden ones).
    /// Only the test's name and hint category do.
    @Test func noFormatRevealsAHiddenInput() throws {
        // The `shout` exercise of VisibleOutputTests: one visible test, two
        // hidden ones whose inputs are distinctive strings.
        let setup = try VisibleOutputTests.Setup(
            candidate: """
                import gc, sys

                def shout(s):
                    print("I was given", s)
                    if s == "hello":
                        # Every input is in this process: dig out the hidden ones.
                        gc.unfreeze()
                        found, stack, seen = set(), list(gc.get_objects()), set()
                        while stack:
                            o = stack.pop()
                            if id(o) in seen:
                                continue
                            seen.add(id(o))
                            if isinstance(o, str) and o.startswith("zq-") and len(o) > 3:
                                found.add(o)
                            elif isinstance(o, (tuple, list)):
                                stack.extend(o)
                            elif isinstance(o, dict):
                                stack.extend(o.values())
                        print("found", sorted(found))
                        sys.stdout.flush()
                    if s.endswith("7731"):
                        raise KeyError(s)
                    return s.upper() if s == "hello" else s
                """)
        defer { setup.remove() }
        for format in ["text", "json", "junit", "gradescope"] {
            let result = try setup.grade(format)
            #expect(result.status == 1, "\(format): \(result.stderr)")
            #expect(
                !result.stdout.contains("SECRET") && !result.stdout.contains("ZQ-"), "\(format) reveals a hidden input:\n\(result.stdout)")
            #expect(result.stdout.contains("unicode"), "\(format) names the hint category of the hidden failure")
            #expect(result.stdout.contains("KeyError"), "\(format) gives the exception type")
        }
    }

    @Test func gradescopeHiddenTestsTakeTheVisibilityAsked() throws {
        let path = PygradeBinary.fixture("returns_set.py")
        for (flag, want) in [([String](), "hidden"), (["--gradescope-hidden", "after_due_date"], "after_due_date")] {
            let result = try PygradeBinary.run(["grade", path, "--format", "gradescope", "--exercise", "duplicates"] + flag)
            let tests = try #require(try result.json()["tests"] as? [[String: Any]])
            let hidden = tests.filter {
                ($0["extra_data"] as? [String: String])?["hint"] != nil && $0["visibility"] as? String != "visible"
            }
            #expect(!hidden.isEmpty)
            #expect(hidden.allSatisfy { $0["visibility"] as? String == want })
        }
    }

    @Test func checkWritesJUnitOfEveryCheck() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-checkjunit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("exercises/twice")
        let bad = dir.appendingPathComponent("exercises/broken")
        let fixtures = dir.appendingPathComponent("fixtures")
        for d in [good, bad, fixtures] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "id: twice\ntitle: Twice\nentry: twice\ntests:\n  - {name: one, visibility: visible, args: ['1']}\n".write(
            to: good.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "x\n".write(to: good.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def twice(x): pass\n".write(to: good.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def twice(x):\n    return 2 * x\n".write(to: good.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        try "id: broken\ntitle: Broken\nentry: f\ntests: [oops\n".write(
            to: bad.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "# expect: twice=passed\ndef twice(x):\n    return x + x\n".write(
            to: fixtures.appendingPathComponent("right.py"), atomically: true, encoding: .utf8)
        try "# expect: twice=passed\ndef twice(x):\n    return x\n".write(
            to: fixtures.appendingPathComponent("wrong.py"), atomically: true, encoding: .utf8)
        let result = try PygradeBinary.run([
            "check", "--format", "junit", "--exercises", dir.appendingPathComponent("exercises").path, "--fixtures", fixtures.path,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let root = try XMLTree.parse(result.stdout)
        // Every kind of check that ran has its suite: the good exercise also
        // gets its determinism and time-margin checks.
        #expect(
            root.all("testsuite").map { $0.attributes["name"] ?? "" } == ["definition", "reference", "determinism", "margin", "fixture"])
        let cases = root.all("testsuite").flatMap { $0.all("testcase") }
        let failed = cases.filter { $0.first("failure") != nil }.map { $0.attributes["name"] ?? "" }
        #expect(failed.count == 2, "\(failed)")
        #expect(failed.contains { $0.hasSuffix("broken/exercise.yaml") })
        #expect(failed.contains { $0.hasSuffix("wrong.py") })
        #expect(root.attributes["failures"] == "2")
        // The text form of the same check counts the same items.
        let text = try PygradeBinary.run([
            "check", "--exercises", dir.appendingPathComponent("exercises").path, "--fixtures", fixtures.path,
        ])
        #expect(text.stdout.contains("of \(cases.count) checks hold"), "\(text.stdout)")
        #expect(cases.count == 7)
    }

    @Test func textIsColouredOnATerminalOnlyAndNeverWithNoColor() throws {
        let args = ["grade", PygradeBinary.fixture("returns_set.py"), "--exercise", "duplicates"]
        let onTerminal = try Self.onTerminal(args, environment: ["TERM": "xterm"])
        #expect(onTerminal.contains("\u{1B}["), "\(onTerminal)")
        #expect(onTerminal.contains("wrong_answer"))
        for value in ["1", ""] {
            let plain = try Self.onTerminal(args, environment: ["TERM": "xterm", "NO_COLOR": value])
            #expect(plain.contains("wrong_answer"))
            #expect(!plain.contains("\u{1B}["), "NO_COLOR=\(value)")
        }
        let piped = try PygradeBinary.run(args)
        #expect(!piped.stdout.contains("\u{1B}["))
    }

    @Test func textAlignsColumnsAndGivesTheFirstFailureInWords() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("flatten_recursive_extend.py")])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count >= 4, "\(result.stdout)")
        // Every column starts at the same offset on the header and each row.
        // Below the headline (and any line said above the table).
        let header = try #require(lines.first { $0.hasPrefix("  exercise ") })
        let duplicates = try #require(lines.first { $0.hasPrefix("  duplicates ") })
        let flatten = try #require(lines.first { $0.hasPrefix("  flatten ") })
        let start = try #require(header.range(of: "first failure")).lowerBound.utf16Offset(in: header)
        #expect(duplicates.dropFirst(start).hasPrefix("`find_duplicates` is not defined"), "\(duplicates)")
        #expect(flatten.dropFirst(start).hasPrefix("hidden test 'deep-nesting' [deep nesting]: raised RecursionError"), "\(flatten)")
        let status = try #require(header.range(of: "status")).lowerBound.utf16Offset(in: header)
        #expect(duplicates.dropFirst(status).hasPrefix("missing"))
        #expect(flatten.dropFirst(status).hasPrefix("runtime_error"))
        // Scores and test counts align on the right, under their headings.
        let scoreEnd = try #require(header.range(of: "score")).upperBound.utf16Offset(in: header)
        #expect(flatten.prefix(scoreEnd).range(of: #" [0-9.]+/[0-9.]+$"#, options: .regularExpression) != nil, "\(flatten)")
        let testsEnd = try #require(header.range(of: "tests")).upperBound.utf16Offset(in: header)
        #expect(flatten.prefix(testsEnd).range(of: #" [0-9]+/[0-9]+$"#, options: .regularExpression) != nil, "\(flatten)")
    }

    /// Runs pygrade under `script`, which gives it a pseudo-terminal.
    static func onTerminal(_ arguments: [String], environment extra: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([PygradeBinary.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
