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
        let server = try await SchemathesisServer.start(
            in: folder, extra: ["--workers", "1", "--keys", folder.path("keys.yaml")])
        defer { server.stop() }

        let base = "http://127.0.0.1:\(server.port)"
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
        let (program, args, folderURL) = (schemathesis, arguments, folder.url)
        let run = try await Blocking.run { try SchemathesisServer.run(program, args, in: folderURL, timeout: 300) }
        #expect(
            run.status == 0,
            "schemathesis exited \(run.status):\n\(run.output)\n--- the server's log (tail) ---\n\(server.logTail())")
        withExtendedLifetime(folder) {}  // the server's data and log live there until here
    }

    /// The first executable `name` on PATH.
    static func onPath(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

/// A minimal starter for the built `pygrade-service serve`, private to this
/// file until the shared helper (ServiceProcess.swift) is on this branch:
/// a free loopback port, a temporary data folder, the log in a file, and
/// SIGTERM (then SIGKILL) at the end.
final class SchemathesisServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: String

    private init(process: Process, port: Int, log: String) {
        self.process = process
        self.port = port
        self.log = log
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// `pygrade-service`, next to the test bundle (`swift test` builds it).
    static var executable: URL {
        let bundle = URL(
            fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        var dir = bundle.deletingLastPathComponent()
        while dir.path != "/" {
            let candidate = dir.appendingPathComponent("pygrade-service")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return root.appendingPathComponent(".build/debug/pygrade-service")
    }

    /// Starts `serve` on a free port with its data and cache in `folder`,
    /// and returns once `/readyz` answers 200 (the workers are up).
    static func start(in folder: TemporaryFolder, extra: [String]) async throws -> SchemathesisServer {
        let port = try freePort()
        let log = folder.path("server.log")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve", "--listen", "127.0.0.1:\(port)", "--data", folder.folder("data")] + extra
        process.currentDirectoryURL = root  // ./Exercises and docs/openapi.json
        var environment = ProcessInfo.processInfo.environment
        environment["PYGRADE_CACHE"] = folder.folder("cache")
        process.environment = environment
        process.standardOutput = FileHandle(forWritingAtPath: log)
        process.standardError = FileHandle(forWritingAtPath: log)
        try process.run()
        let server = SchemathesisServer(process: process, port: port, log: log)
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline {
            guard process.isRunning else {
                throw Failure(description: "pygrade-service serve exited \(process.terminationStatus) at start:\n\(server.logTail())")
            }
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/readyz")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(2)), response.status == .ok {
                return server
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        server.stop()
        throw Failure(description: "pygrade-service serve was not ready in 120 s:\n\(server.logTail())")
    }

    func stop() {
        guard process.isRunning else { return }
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The last lines the server wrote.
    func logTail(lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// A loopback port nobody listens on now (bound to 0, read, closed).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "no socket for a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { p in
                bind(fd, p, length) == 0 && getsockname(fd, p, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "no free loopback port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Runs `executable` to its end, its output (stdout then stderr) in a
    /// file; stopped past `timeout` seconds.
    static func run(_ executable: String, _ arguments: [String], in directory: URL, timeout: Double) throws -> (
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
                throw Failure(
                    description:
                        "\(executable) did not finish in \(timeout) s:\n\((try? String(contentsOfFile: out, encoding: .utf8)) ?? "")")
            }
            usleep(50_000)
        }
        return (process.terminationStatus, (try? String(contentsOfFile: out, encoding: .utf8)) ?? "")
    }
}
