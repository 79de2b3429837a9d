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
        let out = try CapturedRun.run(process, stdin: "/dev/null", timeout: timeout, what: "`\(script)`")
        return PygradeBinary.Result(
            status: out.status, stdout: String(decoding: out.stdout, as: UTF8.self), stderr: String(decoding: out.stderr, as: UTF8.self),
            seconds: out.seconds)
    }

    /// A word the shell reads back as it is.
    static func quote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
