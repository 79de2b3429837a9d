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
        if let refusal = fixture.refusal {
            // Refused as bad input: exit 2 and one line naming the fixture or an entry of it.
            let result = try PygradeBinary.run(["grade", path])
            #expect(result.status == 2, "\(result.stdout)\(result.stderr)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("pygrade: \(path)") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(refusal), "\(result.stderr)")
            return
        }
        let args = ["grade", path, "--format", "json"] + fixture.exerciseIDs.flatMap { ["--exercise", $0] }
        let result = try PygradeBinary.run(args)
        #expect(result.status == 0 || result.status == 1, "exit \(result.status): \(result.stderr)")
        let exercises = try #require(try result.json()["exercises"] as? [[String: Any]])
        for (id, allowed) in fixture.expectations {
            let got = exercises.first { $0["id"] as? String == id }
            let status = (got?["status"] as? String).flatMap(ExerciseStatus.init(rawValue:))
            #expect(status.map(allowed.contains) == true, "\(id): got \(got?["status"] ?? "nothing"): \(got?["message"] ?? "")")
        }
        // Exit 0 exactly when every graded exercise passed (a fixture may
        // allow `passed` among other statuses).
        let passed = exercises.allSatisfy { $0["status"] as? String == "passed" }
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

    @Test func theSymlinkedReferencesFixtureIsRefused() throws {
        // git keeps the links as links: a checkout that turned them into
        // files would grade them instead (and `check` would fail).
        let fixture = PygradeBinary.fixture("attack_symlink_reference")
        for id in ["anagrams", "cache", "duplicates", "flatten", "reverse"] {
            let link = try FileManager.default.destinationOfSymbolicLink(atPath: "\(fixture)/\(id).py")
            #expect(link == "../../Exercises/\(id)/reference.py")
        }
        #expect(try Fixture.load(fixture).refusal == "anagrams.py: a symbolic link, not a regular file")
    }

    /// A refused fixture is never graded, so the scratch's one tiny exercise
    /// keeps `check` short.
    @Test func checkFailsWhenARefusedFixtureIsReadOrRefusedForAnotherReason() throws {
        let scratch = try BatchScratch()
        let dir = scratch.url.appendingPathComponent("candidates")
        try scratch.write("candidates/fine.py", "# expect: refused\ndef double(x):\n    return 2 * x\n")
        try scratch.write("candidates/other_reason.py", "# expect: refused a symbolic link\nx = 1\u{0}\n")
        let result = try PygradeBinary.run(["check", "--exercises", scratch.exercises, "--fixtures", dir.path])
        #expect(result.status == 1)
        #expect(
            result.stdout.contains("FAIL fixture \(dir.path)/fine.py: read as a submission, but it must be refused"), "\(result.stdout)")
        #expect(
            result.stdout.contains("FAIL fixture \(dir.path)/other_reason.py: refused, but the error does not say 'a symbolic link'"),
            "\(result.stdout)")
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
