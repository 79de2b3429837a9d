import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// schemathesis (from PyPI; `.ci/run` installs the pinned version) reads the
/// OpenAPI document the server serves and sends it requests made from it:
/// valid ones, invalid ones, wrong methods, missing keys. The service must
/// never answer 5xx, and every answer must be one the document declares,
/// shaped as it says.
@Suite("schemathesis against /openapi.json")
struct SchemathesisTests {
    /// The test's API key and its SHA-256 (`printf %s KEY | sha256sum`), so
    /// that the checks of authentication run too.
    static let key = "pygrade-schemathesis-key-3f9c1a"
    static let keySHA256 = "c80d428fef4c1eda4cc00c65a0b2c027ab215e6a5a10c4402600edf0700f6ee2"

    /// Checks left out, each with its reason; every other check runs,
    /// `not_a_server_error` and `response_schema_conformance` among them.
    static let excludedChecks = [
        // "Every schema-valid request gets 2xx": a schema cannot list the
        // exercises a server has, so a valid-looking `exercises` or
        // `assignment` naming none of them is rightly 422.
        "positive_data_acceptance"
    ]

    @Test(.timeLimit(.minutes(6)))
    func noServerErrorAndEveryAnswerAsDocumented() async throws {
        let schemathesis = try #require(
            Self.onPath("schemathesis"),
            "schemathesis is not installed: .ci/run installs it (python3 -m pip install schemathesis==4.32.5)")
        let folder = TemporaryFolder(prefix: "pygrade-schemathesis")
        // A rate and a quota that schemathesis cannot reach: 429 is tested elsewhere.
        folder.write(
            "keys.yaml",
            """
            keys:
              - id: schemathesis
                sha256: \(Self.keySHA256)
                rate_per_minute: 1000000
                max_queued: 1000000

            """)
        let server = try ServiceProcess("serve", ["--workers", "1", "--keys", folder.path("keys.yaml")])
        // /readyz: the grading slot is up too, so submissions get graded.
        try await server.waitUntilUp(timeout: 120, probe: "/readyz")

        let base = server.baseURL
        var arguments = [
            "run", "\(base)/openapi.json", "--url", base,
            "--checks", "all",
            "--header", "Authorization: Bearer \(Self.key)",
            // Bounded and repeatable: 25 cases an operation, one seed.
            "--max-examples", "25", "--seed", "15",
            // `?wait=60` holds a request up to a minute, as documented;
            // past 75 s an answer is a hang.
            "--request-timeout", "75", "--max-response-time", "75",
            // One thread: schemathesis 4.32.5's coverage phase on two threads
            // fails inside Python 3.11's `ast` (not thread-safe there).
            "--workers", "1",
            "--generation-database", "none",
            "--no-color",
        ]
        if !Self.excludedChecks.isEmpty { arguments += ["--exclude-checks", Self.excludedChecks.joined(separator: ",")] }
        let run = try await Self.run(schemathesis, arguments, in: folder.url, timeout: 300)
        let log = server.stderr.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n")
        let status = await server.terminate()
        #expect(run.status == 0, "schemathesis exited \(run.status):\n\(run.output)\n--- the server's log (tail) ---\n\(log)")
        #expect(status == 0, "the server did not stop cleanly on SIGTERM (\(status)):\n\(log)")
        withExtendedLifetime(folder) {}  // keys.yaml and the run's log stay until here
    }

    /// The first executable `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` to its end, its output (stdout then stderr) in a
    /// file; stopped past `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], in directory: URL, timeout: Double) async throws -> (
        status: Int32, output: String
    ) {
        let out = directory.appendingPathComponent("run-\(UUID().uuidString).log").path
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory  // its reports and caches stay in the temporary folder
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: out)
        try process.run()
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            if Date() > deadline {
                process.terminate()
                process.waitUntilExit()
                throw ServiceProcessError(
                    "\(executable) did not finish in \(timeout) s:\n\((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }
}
