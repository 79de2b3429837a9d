import Foundation
import TestSupport
import Testing

/// The JSON report and Gradescope's results.json of `pygrade grade`, read
/// back with a real parser and a JSON Schema validator.
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
        #expect(json.contains("{\n      \"cpu_ms\": 0,\n      \"id\": "), "\(json.prefix(600))")
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

    /// A visible test carries its own figures; every hidden test of an
    /// exercise the same pair (what a candidate spends on one hidden input
    /// would carry it: docs/reports.md, "Figures"), each exercise its
    /// totals; a test without figures is refused by the schema (the
    /// contract lists them on every test).
    @Test func onlyVisibleTestsCarryFiguresOfTheirOwn() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        var report = try result.json()
        var exercises = try #require(report["exercises"] as? [[String: Any]])
        for exercise in exercises {
            let tests = exercise["tests"] as? [[String: Any]] ?? []
            #expect(
                tests.contains { $0["visibility"] as? String == "hidden" } && tests.contains { $0["visibility"] as? String == "visible" })
            #expect(tests.allSatisfy { $0["cpu_ms"] is Double && $0["peak_kib"] is Int }, "\(tests)")
            let hidden = tests.filter { $0["visibility"] as? String == "hidden" }
            #expect(Set(hidden.map { "\($0["cpu_ms"] ?? "") \($0["peak_kib"] ?? "")" }).count == 1, "\(hidden)")
            #expect(exercise["cpu_ms"] is Double && (exercise["peak_kib"] as? Int ?? 0) > 0, "\(exercise["id"] ?? "")")
        }
        var tests = try #require(exercises[0]["tests"] as? [[String: Any]])
        let hidden = try #require(tests.firstIndex { $0["visibility"] as? String == "hidden" })
        tests[hidden]["cpu_ms"] = nil
        exercises[0]["tests"] = tests
        report["exercises"] = exercises
        let forged = String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self)
        let outcome = try SchemaValidator.validate(forged, against: "report.schema.json")
        #expect(outcome.status == 1 && outcome.problems.contains("exercises/0/tests/\(hidden)"), "\(outcome.problems)")
    }

    /// A hidden input never reaches any format: not through the exception
    /// text that quotes it, nor through what the candidate prints (its
    /// process holds every input, so a visible test can print hidden ones).
    /// Only the test's name and hint category do.
    @Test func noFormatRevealsAHiddenInput() throws {
        // The `shout` exercise of VisibleOutputTests: one visible test, two
        // hidden ones whose inputs are distinctive strings.
        let setup = try VisibleOutputTests.Setup(
            candidate: HiddenInputDig.python(keeping: "len(o) > 3", gap: 1)
                + """
                import sys

                def shout(s):
                    print("I was given", s)
                    if s == "hello":
                        # Dig out what this process can reach.
                        print("found", dig())
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
            #expect(result.stdout.contains("raised an exception"), "\(format) says the hidden test raised, and no more")
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
}
