import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs a process made ready by the caller to its end, its output in files,
/// not pipes: nothing to drain concurrently, nothing can fill up. Past
/// `timeout` seconds it is stopped (with its process group, when
/// `killGroup`) and the error names `what`.
enum CapturedRun {
    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: Data
        var seconds: Double
    }

    /// `stdin`: a file to read standard input from; nil leaves it as it is.
    static func run(_ process: Process, stdin: String? = nil, timeout: Double, what: String, killGroup: Bool = false) throws -> Output {
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-run-\(UUID().uuidString)").path
        for suffix in [".out", ".err"] { _ = FileManager.default.createFile(atPath: tmp + suffix, contents: nil) }
        defer { for suffix in [".out", ".err"] { try? FileManager.default.removeItem(atPath: tmp + suffix) } }
        if let stdin { process.standardInput = FileHandle(forReadingAtPath: stdin) }
        process.standardOutput = FileHandle(forWritingAtPath: tmp + ".out")
        process.standardError = FileHandle(forWritingAtPath: tmp + ".err")
        let start = Date()
        try process.run()
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                if killGroup { kill(-process.processIdentifier, SIGKILL) }
                process.terminate()
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(what) did not finish in \(timeout) s"])
            }
            usleep(2000)
        }
        return Output(
            status: process.terminationStatus, stdout: FileManager.default.contents(atPath: tmp + ".out") ?? Data(),
            stderr: FileManager.default.contents(atPath: tmp + ".err") ?? Data(), seconds: Date().timeIntervalSince(start))
    }
}
