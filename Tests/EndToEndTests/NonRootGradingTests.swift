import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Grading works for a user who is not root, on a kernel that allows
/// unprivileged user namespaces: the run as root drops to `nobody` with
/// setpriv; a run that is not root already is one.
@Suite("Grading as a user who is not root")
struct NonRootGradingTests {
    /// Whether this kernel lets an unprivileged user create a user namespace.
    static var unprivilegedUserNamespaces: Bool {
        func number(_ path: String) -> Int? {
            (try? String(contentsOfFile: path, encoding: .utf8)).flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return (number("/proc/sys/kernel/unprivileged_userns_clone") ?? 1) != 0 && (number("/proc/sys/user/max_user_namespaces") ?? 0) > 0
    }

    @Test func nobodyGradesInAFullSandbox() throws {
        // Everything `nobody` needs, where `nobody` can reach it: the binary,
        // the exercises, the submission and a cache.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-nonroot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let binary = dir.appendingPathComponent("pygrade")
        try FileManager.default.copyItem(at: PygradeBinary.executable, to: binary)
        try FileManager.default.copyItem(
            at: PygradeBinary.root.appendingPathComponent("Exercises"), to: dir.appendingPathComponent("Exercises"))
        try FileManager.default.copyItem(atPath: PygradeBinary.fixture("correct.py"), toPath: dir.appendingPathComponent("correct.py").path)
        let cache = dir.appendingPathComponent("cache")
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        chmod(dir.path, 0o755)
        chmod(cache.path, 0o777)

        let process = Process()
        let arguments = [
            binary.path, "grade", dir.appendingPathComponent("correct.py").path, "--exercise", "duplicates", "--format", "json",
            "--exercises-dir", dir.appendingPathComponent("Exercises").path, "--sandbox", "strict",
        ]
        if getuid() == 0 {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
            process.arguments = ["--reuid=65534", "--regid=65534", "--clear-groups"] + arguments
        } else {
            process.executableURL = binary
            process.arguments = Array(arguments.dropFirst())
        }
        process.currentDirectoryURL = dir
        process.environment = ["PYGRADE_CACHE": cache.path, "HOME": dir.path, "PATH": "/usr/bin:/bin"]
        let out = dir.appendingPathComponent("out.json")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        chmod(out.path, 0o666)
        process.standardOutput = FileHandle(forWritingAtPath: out.path)
        try process.run()
        process.waitUntilExit()
        let text = String(decoding: FileManager.default.contents(atPath: out.path) ?? Data(), as: UTF8.self)
        if Self.unprivilegedUserNamespaces {
            // Strict: every layer is there for an unprivileged user too.
            #expect(process.terminationStatus == 0, "\(text)")
            let report = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(report["verdict"] as? String == "passed")
            let layers = try #require((report["grader"] as? [String: Any])?["sandbox"] as? [String])
            #expect(layers.contains("userns") && layers.contains("landlock") && layers.contains("seccomp"), "\(layers)")
            #expect(!layers.contains { $0.hasPrefix("missing:") }, "\(layers)")
        } else {
            // Without them, strict refuses, and says so.
            #expect(process.terminationStatus == 3)
        }
    }
}
