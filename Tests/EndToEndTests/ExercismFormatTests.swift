import Foundation
import Testing

/// `grade --format exercism`: exercism's results.json, version 3, on real
/// submissions, each checked against docs/exercism.schema.json.
@Suite("pygrade grade --format exercism")
struct ExercismFormatTests {
    static func grade(_ fixture: String, _ extra: [String] = []) throws -> (status: Int32, json: [String: Any], text: String) {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("\(fixture).py"), "--format", "exercism"] + extra)
        let outcome = try SchemaValidator.validate(result.stdout, against: "exercism.schema.json")
        #expect(outcome.status == 0, "\(fixture): \(outcome.problems)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        return (result.status, json, result.stdout)
    }

    static func tests(_ json: [String: Any]) -> [[String: Any]] { json["tests"] as? [[String: Any]] ?? [] }

    @Test func aPassingAnswerHasEveryTestInDefinitionOrderWithItsTask() throws {
        let (status, json, _) = try Self.grade("correct")
        #expect(status == 0)
        #expect(json["version"] as? Int == 3 && json["status"] as? String == "pass" && json["message"] == nil)
        let tests = Self.tests(json)
        // The same tests, in the same order, as the JSON report's.
        let report = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--format", "json"]).json()
        let exercises = try #require(report["exercises"] as? [[String: Any]])
        var expected: [(String, Int)] = []
        for (i, e) in exercises.enumerated() {
            for t in (e["tests"] as? [[String: Any]]) ?? [] { expected.append(("\(e["id"]!): \(t["name"]!)", i + 1)) }
        }
        #expect(tests.map { $0["name"] as? String ?? "" } == expected.map(\.0))
        #expect(tests.map { $0["task_id"] as? Int ?? 0 } == expected.map(\.1))
        #expect(tests.allSatisfy { $0["status"] as? String == "pass" && $0["message"] == nil })
        // The call of a visible test; a hidden test has none.
        let visible = tests.filter { $0["test_code"] != nil }.map { $0["test_code"] as? String ?? "" }
        #expect(visible.contains("reverse_string('hello')") && visible.contains("flatten_list([1, [2, 3], 4])"))
        #expect(visible.contains("repeated_call_is_cached(simple_cache)"))
        let hidden = try #require(tests.first { $0["name"] as? String == "reverse: large-input-ascii" })
        #expect(hidden["test_code"] == nil)
    }

    @Test func aWrongAnswerFailsWithTheValuesOfVisibleTestsOnly() throws {
        let (status, json, text) = try Self.grade("reverse_off_by_one", ["--exercise", "reverse"])
        #expect(status == 1)
        #expect(json["status"] as? String == "fail")
        let tests = Self.tests(json)
        let visible = try #require(tests.first { $0["name"] as? String == "reverse: short-word" })
        #expect(visible["status"] as? String == "fail")
        #expect(visible["test_code"] as? String == "reverse_string('hello')")
        #expect(visible["message"] as? String == "wrong_answer: wrong result\nexpected: 'olleh'\ngot: 'olle'")
        let hidden = try #require(tests.first { $0["name"] as? String == "reverse: palindrome" })
        #expect(hidden["message"] as? String == "wrong_answer: [basic] wrong result")
        #expect(hidden["test_code"] == nil && hidden["output"] == nil)
        #expect(!text.contains("racecar"), "a hidden input")
    }

    @Test func aSubmissionThatDoesNotCompileIsAnErrorWithItsMessage() throws {
        let (status, json, _) = try Self.grade("syntax_error")
        #expect(status == 1)
        #expect(json["status"] as? String == "error")
        let message = try #require(json["message"] as? String)
        #expect(message.hasPrefix("syntax_error: the submission does not compile: line "), "\(message)")
        #expect(Self.tests(json).allSatisfy { $0["status"] as? String == "error" })
    }

    @Test func aFloodOfOutputIsCutAt500CharactersWithTheInterfacesMessage() throws {
        let (_, json, _) = try Self.grade("every_exercise_output_flood")
        let outputs = Self.tests(json).compactMap { $0["output"] as? String }
        #expect(!outputs.isEmpty)
        for output in outputs {
            #expect(output.hasSuffix("\nOutput was truncated. Please limit to 500 chars"))
            #expect(output.count == 500 + 1 + 47)
        }
    }
}
