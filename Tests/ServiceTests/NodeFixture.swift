import Foundation
import PygradeKit
import PygradeQueue
import TestSupport

@testable import PygradeService

/// What the node and process tests share: the package's exercises, the
/// built binaries, one cache of expected results for the run.
enum NodeFixture {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let exercises = root.appendingPathComponent("Exercises")

    /// The folder holding the built `pygrade` and `pygrade-service` (the
    /// test bundle's own, where `swift build --build-tests` puts them).
    static let binaries: URL = {
        let me = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = me.deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.isExecutableFile(atPath: dir.appendingPathComponent("pygrade").path) { return dir }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug")
    }()
    static var pygrade: String { binaries.appendingPathComponent("pygrade").path }
    static var service: String { binaries.appendingPathComponent("pygrade-service").path }

    /// One cache of expected results for the whole run (the in-process
    /// graders read PYGRADE_CACHE too).
    static let cache: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-service-cache-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        setenv("PYGRADE_CACHE", dir.path, 1)
        return dir.path
    }()

    static func catalog() throws -> ExerciseCatalog {
        _ = cache
        return try ExerciseCatalog.load(from: exercises)
    }

    static func node(
        _ queue: any JobQueue, data: TemporaryFolder, slots: Int = 1, lease: Double = 60, grace: Double = 30,
        executable: String = pygrade
    ) throws -> GradingNode {
        let catalog = try catalog()
        return GradingNode(
            queue: queue, catalog: catalog,
            configuration: NodeConfiguration(
                slots: slots, leaseSeconds: lease, gracePeriod: grace, pollSeconds: 0.1, workerName: "test", dataFolder: data.url,
                workerExecutable: executable),
            metrics: ServiceMetrics())
    }

    static func payload(_ request: SubmissionRequest) throws -> SubmissionRequestPayload {
        SubmissionRequestPayload(data: try JSONEncoder().encode(request))
    }

    /// A report's JSON object without what differs between two runs of the
    /// same grading: the measured figures (`cpu_ms`, `peak_kib`).
    static func comparable(_ json: Data) throws -> NSDictionary {
        func strip(_ v: Any) -> Any {
            if let d = v as? [String: Any] {
                var out: [String: Any] = [:]
                for (k, x) in d where k != "cpu_ms" && k != "peak_kib" { out[k] = strip(x) }
                return out
            }
            if let a = v as? [Any] { return a.map(strip) }
            return v
        }
        let object = try JSONSerialization.jsonObject(with: json)
        return (strip(object) as? [String: Any] ?? [:]) as NSDictionary
    }

    /// Runs `pygrade` with `arguments` in `directory`; its status and stdout.
    /// (On a thread of its own: see Blocking.)
    static func runPygrade(_ arguments: [String], in directory: URL) async throws -> (status: Int32, stdout: Data) {
        try await Blocking.run { try runPygradeBlocking(arguments, in: directory) }
    }

    private static func runPygradeBlocking(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: Data) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: pygrade)
        p.arguments = arguments
        p.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = cache
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, data)
    }

    /// Whether `condition` holds within `timeout` seconds (asked every 50 ms).
    /// The default is long: the whole suite runs in parallel on two cores,
    /// and a node starts its warm worker before it claims anything. Only a
    /// failing test waits that long.
    static func eventually(timeout: Double = 180, _ condition: () async -> Bool) async -> Bool {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return await condition()
    }

    static let reverseSolution = """
        def reverse_string(s):
            return "".join([s[i] for i in range(len(s) - 1, -1, -1)])

        """
}
