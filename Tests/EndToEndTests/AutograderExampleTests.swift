import Foundation
import Testing

/// docs/gradescope/autograder/run_autograder, run as Gradescope would (in a
/// stand-in for /autograder): results.json must always be there and valid.
@Suite("Gradescope autograder example")
struct AutograderExampleTests {
    /// `source`: files the autograder carries next to pygrade (its `assignment.yaml`).
    func runAutograder(_ submission: [String: [UInt8]], source: [String: String] = [:]) throws -> (status: Int32, results: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-autograder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("submission")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, bytes) in submission { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("source"), withIntermediateDirectories: true)
        for (name, text) in source { try Data(text.utf8).write(to: root.appendingPathComponent("source/\(name)")) }
        let script = PygradeBinary.root.appendingPathComponent("docs/gradescope/autograder/run_autograder").path
        let result = try PygradeBinary.run(
            [script],
            environment: [
                "AUTOGRADER_ROOT": root.path, "PYGRADE": PygradeBinary.executable.path,
                "PYGRADE_EXERCISES": PygradeBinary.root.appendingPathComponent("Exercises").path,
            ],
            executable: URL(fileURLWithPath: "/bin/bash"))
        let results = try String(contentsOf: root.appendingPathComponent("results/results.json"), encoding: .utf8)
        return (result.status, results)
    }

    @Test func aSingleFileUnderAnyNameIsGraded() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: PygradeBinary.fixture("flatten_recursive_extend.py")))
        let (status, results) = try runAutograder(["my_answer.py": [UInt8](source)])
        #expect(status == 0)
        let outcome = try SchemaValidator.validate(results, against: "gradescope.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(results.utf8)) as? [String: Any])
        // Only flatten is answered; more exercises may exist, all missing.
        let score = try #require(json["score"] as? Double)
        #expect(score > 0 && score < 20, "part of flatten's points")
        #expect((json["max_score"] as? Double ?? 0) >= 40)
    }

    /// The autograder's own `assignment.yaml` decides what counts (and what
    /// Gradescope shows of hidden tests); one the student uploads does not.
    @Test func theAutogradersAssignmentCountsAndTheStudentsDoesNot() throws {
        let source = try Data(contentsOf: URL(fileURLWithPath: PygradeBinary.fixture("flatten_recursive_extend.py")))
        let teacher = "name: Flatten\ngradescope_hidden: after_published\nexercises:\n  - id: flatten\n    points: 50\n"
        let student = Array("name: Mine\nexercises:\n  - id: flatten\n    points: 1\n".utf8)
        let (status, results) = try runAutograder(
            ["my_answer.py": [UInt8](source), "assignment.yaml": student], source: ["assignment.yaml": teacher])
        #expect(status == 0)
        let outcome = try SchemaValidator.validate(results, against: "gradescope.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(results.utf8)) as? [String: Any])
        #expect(json["max_score"] as? Double == 50)
        let score = try #require(json["score"] as? Double)
        #expect(score > 40 && score < 50, "part of flatten's 50 points")
        #expect((json["extra_data"] as? [String: Any])?["assignment"] as? String == "Flatten")
        let tests = json["tests"] as? [[String: Any]] ?? []
        #expect(tests.allSatisfy { ($0["name"] as? String)?.hasPrefix("flatten") == true })
        #expect(tests.contains { $0["visibility"] as? String == "after_published" })

        // Without one of its own, the student's is still not read: every exercise counts.
        let (_, alone) = try runAutograder(["my_answer.py": [UInt8](source), "assignment.yaml": student])
        let all = try #require(try JSONSerialization.jsonObject(with: Data(alone.utf8)) as? [String: Any])
        #expect((all["max_score"] as? Double ?? 0) >= 40)
        #expect((all["extra_data"] as? [String: Any])?["assignment"] == nil)
    }

    @Test func aRefusedSubmissionStillGetsAResultThatSaysWhy() throws {
        let (status, results) = try runAutograder(["solution.py": [0x7F, 0x45, 0x4C, 0x46, 0, 0]])
        #expect(status == 0)
        let outcome = try SchemaValidator.validate(results, against: "gradescope.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(results.utf8)) as? [String: Any])
        #expect(json["score"] as? Double == 0)
        #expect((json["max_score"] as? Double ?? 0) >= 40)
        #expect((json["output"] as? String)?.contains("solution.py: binary content (NUL bytes)") == true)
    }
}
