import Foundation
import PygradeKit
import Testing

/// DMOJ style: every fixture declares the statuses it must get, and the
/// built binary must give exactly those.
@Suite("Fixtures get their declared statuses")
struct FixtureSuiteTests {
    static let fixtures: [String] = (try? Fixture.paths(in: PygradeBinary.root.appendingPathComponent("Fixtures").path)) ?? []

    @Test(arguments: fixtures)
    func fixtureGetsItsDeclaredStatuses(path: String) throws {
        let fixture = try Fixture.load(path)
        let args = ["grade", path, "--format", "json"] + fixture.exerciseIDs.flatMap { ["--exercise", $0] }
        let result = try PygradeBinary.run(args)
        #expect(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr)")
        let exercises = try #require(try result.json()["exercises"] as? [[String: Any]])
        for (id, allowed) in fixture.expectations {
            let got = exercises.first { $0["id"] as? String == id }
            let status = (got?["status"] as? String).flatMap(ExerciseStatus.init(rawValue:))
            #expect(status.map(allowed.contains) == true, "\(id): got \(got?["status"] ?? "nothing"): \(got?["message"] ?? "")")
        }
        let passed = fixture.expectations.allSatisfy { $0.statuses == [.passed] }
        #expect(result.status == (passed ? 0 : 1))
    }

    @Test func thereIsAFixtureForEveryEngineStatus() throws {
        var seen = Set<ExerciseStatus>()
        for path in Self.fixtures {
            for e in try Fixture.load(path).expectations { seen.formUnion(e.statuses) }
        }
        let engineStatuses: Set<ExerciseStatus> = [
            .passed, .wrongAnswer, .runtimeError, .timeLimitExceeded, .memoryLimitExceeded, .outputLimitExceeded,
            .sandboxViolation, .syntaxError, .missing,
        ]
        #expect(engineStatuses.isSubset(of: seen), "no fixture for \(engineStatuses.subtracting(seen))")
    }

    @Test func checkPassesOnTheBundledFixtures() throws {
        let result = try PygradeBinary.run(["check"])
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(!result.stdout.contains("FAIL"))
    }

    @Test func checkFailsWhenAFixtureDeclaresTheWrongStatus() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-fixtures-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "# expect: flatten=passed\ndef flatten_list(x):\n    return []\n".write(
            to: dir.appendingPathComponent("liar.py"), atomically: true, encoding: .utf8)
        let result = try PygradeBinary.run(["check", "--fixtures", dir.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL fixture \(dir.path)/liar.py: flatten: expected passed, got wrong_answer"))
    }
}
