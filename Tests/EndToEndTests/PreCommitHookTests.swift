import Foundation
import Testing

/// docs/pre-commit/pre-commit in a scratch git repository: it grades what
/// is staged and refuses a commit whose solution fails.
@Suite("pre-commit hook example")
struct PreCommitHookTests {
    @Test func refusesAFailingStagedSolutionAndAllowsAPassingOne() throws {
        let repo = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-hook-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: repo) }
        try FileManager.default.createDirectory(at: repo, withIntermediateDirectories: true)
        let git = URL(fileURLWithPath: "/usr/bin/git")
        #expect(try PygradeBinary.run(["-C", repo.path, "init", "-q"], executable: git).status == 0)
        let hook = PygradeBinary.root.appendingPathComponent("docs/pre-commit/pre-commit").path
        let environment = [
            "PYGRADE": PygradeBinary.executable.path, "PYGRADE_ARGS": "--exercise flatten",
            "PYGRADE_EXERCISES": PygradeBinary.root.appendingPathComponent("Exercises").path,
        ]
        for (fixture, status) in [("returns_set.py", Int32(1)), ("correct.py", 0)] {
            let target = repo.appendingPathComponent("solution.py")
            try? FileManager.default.removeItem(at: target)
            try FileManager.default.copyItem(at: URL(fileURLWithPath: PygradeBinary.fixture(fixture)), to: target)
            #expect(try PygradeBinary.run(["-C", repo.path, "add", "solution.py"], executable: git).status == 0)
            let result = try PygradeBinary.run(
                [hook],
                environment: environment.merging(["GIT_DIR": repo.appendingPathComponent(".git").path, "GIT_WORK_TREE": repo.path]) { $1 },
                executable: URL(fileURLWithPath: "/bin/bash"))
            #expect(result.status == status, "\(fixture): \(result.stderr)")
            // The report names the staged file, not the hook's temporary copy.
            #expect(result.stderr.contains("solution.py  \(status == 0 ? "passed" : "failed")"), "\(result.stderr)")
        }
    }
}
