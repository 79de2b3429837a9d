import Foundation

/// Runs the built `pygrade` executable, as a user or CI would.
enum PygradeBinary {
    /// The package root (for Exercises/ and Fixtures/).
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Next to the test bundle: `swift test` builds it first.
    static let executable: URL = {
        let testBinary = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = testBinary.deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("pygrade")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/pygrade")
    }()

    /// One cache of expected results for the whole test run.
    static let cache: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-e2e-cache-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }()

    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
        var seconds: Double

        func json() throws -> [String: Any] {
            guard let obj = try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any] else {
                throw CocoaError(.propertyListReadCorrupt)
            }
            return obj
        }
    }

    static func run(
        _ arguments: [String], environment extra: [String: String] = [:], timeout: Double = 300, executable: URL = executable,
        in directory: URL = root
    ) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = cache
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = try CapturedRun.run(process, timeout: timeout, what: "pygrade \(arguments)")
        return Result(
            status: out.status, stdout: String(decoding: out.stdout, as: UTF8.self), stderr: String(decoding: out.stderr, as: UTF8.self),
            seconds: out.seconds)
    }

    static func fixture(_ name: String) -> String { root.appendingPathComponent("Fixtures/\(name)").path }
}
