import Foundation
import Testing

@Suite("pygrade grade")
struct GradeCommandTests {
    @Test func jsonReportHasEverySpecField() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("forged_equality.py"), "--format", "json", "--exercise", "flatten",
        ])
        #expect(result.status == 1)
        let report = try result.json()
        #expect(report["schema"] as? String == "pygrade.report/1")
        #expect(report["submission"] as? String == PygradeBinary.fixture("forged_equality.py"))
        #expect((report["sha256"] as? String)?.count == 64)
        #expect(report["verdict"] as? String == "failed")
        #expect(report["score"] as? Double == 0)
        #expect(report["max_score"] as? Double == 20)
        let exercise = try #require((report["exercises"] as? [[String: Any]])?.first)
        for key in ["id", "status", "score", "max_score", "message", "tests", "rules"] {
            #expect(exercise[key] != nil, "exercise lacks \(key)")
        }
        let test = try #require((exercise["tests"] as? [[String: Any]])?.first)
        for key in ["name", "status", "visibility", "score", "max_score", "cpu_ms", "peak_kib"] {
            #expect(test[key] != nil, "test lacks \(key)")
        }
        let grader = try #require(report["grader"] as? [String: Any])
        #expect(grader["version"] is String)
        #expect((grader["exercises_sha256"] as? String)?.count == 64)
        #expect((grader["sandbox"] as? [String])?.isEmpty == false)
    }

    @Test func passingSubmissionExitsZeroAndTextHasNoColourOffTerminal() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates", "--exercise", "flatten",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("passed"))
        #expect(!result.stdout.contains("\u{1B}["))
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("  duplicates") || $0.hasPrefix("  flatten") }
        #expect(rows.count == 2)
    }

    @Test func hiddenTestMessagesRevealNoInput() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("flatten_recursive_extend.py"), "--format", "json", "--exercise", "flatten",
        ])
        let exercise = try #require((try result.json()["exercises"] as? [[String: Any]])?.first)
        let message = try #require(exercise["message"] as? String)
        #expect(message == "hidden test 'deep-nesting' [deep nesting]: raised RecursionError")
    }

    @Test func timeLimitOverrideApplies() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("correct.py"), "--format", "json", "--exercise", "flatten", "--time-limit", "0.01",
        ])
        let exercise = try #require((try result.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "time_limit_exceeded")
    }

    @Test func memoryLimitOverrideApplies() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("correct.py"), "--format", "json", "--exercise", "flatten", "--memory-limit", "16",
        ])
        let exercise = try #require((try result.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "memory_limit_exceeded")
    }

    /// Bad usage and unreadable input: exit 2, one line on stderr naming the problem.
    @Test(arguments: [
        (["grade", "/nonexistent/x.py"], "/nonexistent/x.py: no such file or folder"),
        (["grade", "Fixtures/correct.py", "--exercise", "nope"], "unknown exercise 'nope'"),
        (["grade", "Fixtures/correct.py", "--format", "yaml"], "--format"),
        (["grade", "Fixtures/correct.py", "--time-limit", "-1"], "--time-limit"),
        (["grade", "Fixtures/correct.py", "--bogus"], "--bogus"),
        (["grade", "Fixtures/correct.py", "--max-size", "10"], "size limit"),
    ])
    func badUsageExitsTwoWithOneLine(arguments: [String], mention: String) throws {
        let result = try PygradeBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.contains(mention), "\(result.stderr)")
        #expect(result.stdout.isEmpty)
    }

    @Test func aBrokenReferenceIsAnInternalErrorNotACandidateFailure() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-ex-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let ex = dir.appendingPathComponent("demo")
        try FileManager.default.createDirectory(at: ex, withIntermediateDirectories: true)
        try "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: ['1']\n".write(
            to: ex.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "x\n".write(to: ex.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def f(x): pass\n".write(to: ex.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def f(x):\n    raise ValueError\n".write(to: ex.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        let result = try PygradeBinary.run(["grade", "Fixtures/correct.py", "--exercises-dir", dir.path])
        #expect(result.status == 3)
        #expect(result.stderr.contains("reference.py: the reference fails test 'a'"))
    }
}
