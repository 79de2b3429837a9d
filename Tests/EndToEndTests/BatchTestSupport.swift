import Foundation
import TestSupport

/// A scratch folder for batch tests: a tiny exercise (two one-line tests,
/// so a candidate costs a few milliseconds) and generated candidates.
final class BatchScratch {
    let temporary = TemporaryFolder(prefix: "pygrade-batch")
    var url: URL { temporary.url }
    var exercises: String { url.appendingPathComponent("exercises").path }
    var candidates: String { url.appendingPathComponent("candidates").path }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    init() throws {
        temporary.folder("exercises/double")
        temporary.folder("candidates")
        let definition = """
            id: double
            title: Double a number
            entry: double
            points: 10
            checker: exact
            limits: {time: 1.0, memory: 256, output: 4096}
            tests:
              - name: one
                visibility: visible
                hint: basic
                args: ["1"]
              - name: zero
                hint: edge values
                args: ["0"]
            """
        try write("exercises/double/exercise.yaml", definition)
        try write("exercises/double/reference.py", "def double(x):\n    return 2 * x\n")
        try write("exercises/double/starter.py", "def double(x):\n    pass\n")
        try write("exercises/double/prompt.md", "Return twice x.\n")
    }

    func write(_ relative: String, _ text: String) throws {
        temporary.write(relative, text)
    }

    /// `count` candidates: every other one right, the rest wrong on one test.
    @discardableResult
    func makeCandidates(_ count: Int) throws -> [String] {
        try (0..<count).map { i in
            let name = String(format: "cand%05d.py", i)
            try write(
                "candidates/\(name)",
                i % 2 == 0 ? "def double(x):\n    return x + x  # \(i)\n" : "def double(x):\n    return 3 * x  # \(i)\n")
            return "\(candidates)/\(name)"
        }
    }

    /// Starts the built binary without waiting (for kill -9 and sampling).
    func start(_ arguments: [String]) throws -> Process {
        let process = Process()
        process.executableURL = PygradeBinary.executable
        process.arguments = arguments
        process.currentDirectoryURL = PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        process.environment = env
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        return process
    }

    /// The results file's lines (complete ones only), parsed; nil for a line that is not JSON.
    static func lines(_ path: String) -> [[String: Any]?] {
        let data = FileManager.default.contents(atPath: path) ?? Data()
        var out: [[String: Any]?] = []
        for line in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast() {
            out.append((try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any])
        }
        return out
    }

    static func lineCount(_ path: String) -> Int {
        (FileManager.default.contents(atPath: path) ?? Data()).reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }
}

/// What /proc says of a running process.
struct ProcessSample {
    var rssKiB: Int
    var descriptors: Int
    var children: [Int32]

    init?(_ pid: Int32) {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
            let rss = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kib = Int(rss.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? ""),
            let fds = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd")
        else { return nil }
        rssKiB = kib
        descriptors = fds.count
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        children = tasks.flatMap { t in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(t)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
    }

    /// Gone, or a zombie about to be reaped.
    static func isGone(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.trimmingCharacters(in: .whitespaces).hasPrefix("Z") == true
    }
}
