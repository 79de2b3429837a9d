import Foundation
import Testing

/// docs/gradescope/autograder/run_autograder, run as Gradescope would (in a
/// stand-in for /autograder): results.json must always be there and valid.
@Suite("Gradescope autograder example")
struct AutograderExampleTests {
    func runAutograder(_ submission: [String: [UInt8]]) throws -> (status: Int32, results: String) {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-autograder-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let folder = root.appendingPathComponent("submission")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for (name, bytes) in submission { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
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
