import Foundation

/// Runs a command line through /bin/sh, as a person types it: pipes,
/// redirections and `$PYGRADE` (the built binary) included.
enum ShellCommand {
    static func run(_ script: String, in directory: URL = PygradeBinary.root, timeout: Double = 300) throws -> PygradeBinary.Result {
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE"] = PygradeBinary.executable.path
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = directory
        process.environment = env
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-sh-\(UUID().uuidString)")
        for suffix in [".out", ".err"] { FileManager.default.createFile(atPath: tmp.path + suffix, contents: nil) }
        defer { for suffix in [".out", ".err"] { try? FileManager.default.removeItem(atPath: tmp.path + suffix) } }
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: tmp.path + ".out")
        process.standardError = FileHandle(forWritingAtPath: tmp.path + ".err")
        let start = Date()
        try process.run()
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                process.terminate()
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "`\(script)` did not finish in \(timeout) s"])
            }
            usleep(2000)
        }
        return PygradeBinary.Result(
            status: process.terminationStatus,
            stdout: String(decoding: FileManager.default.contents(atPath: tmp.path + ".out") ?? Data(), as: UTF8.self),
            stderr: String(decoding: FileManager.default.contents(atPath: tmp.path + ".err") ?? Data(), as: UTF8.self),
            seconds: Date().timeIntervalSince(start))
    }

    /// A word the shell reads back as it is.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
