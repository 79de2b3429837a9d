import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestSupport

/// A running `pygrade-service` (or `pygrade serve`/`pygrade work`) started
/// from the built binaries, on a free loopback port, with a temporary data
/// folder; stopped with SIGTERM (or killed) at the end.
final class ServiceProcess: @unchecked Sendable {
    let process = Process()
    let port: Int
    let data: TemporaryFolder
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var stderrText = ""

    /// `arguments` after the subcommand; `--data`, `--exercises-dir` and
    /// (for serve) `--listen` are added. `executable`: pygrade-service, or
    /// pygrade to go through its forwarding; `directory`: where it runs
    /// (default: the test's own).
    init(
        _ subcommand: String, _ arguments: [String] = [], data: TemporaryFolder? = nil,
        executable: String = NodeFixture.service, environment: [String: String] = [:],
        exercises: URL = NodeFixture.exercises, directory: URL? = nil
    ) throws {
        self.data = data ?? TemporaryFolder(prefix: "pygrade-service")
        port = try LoopbackPort.free()
        var args = [subcommand, "--data", self.data.path, "--exercises-dir", exercises.path]
        if subcommand == "serve" { args += ["--listen", "127.0.0.1:\(port)"] }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = args + arguments
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = NodeFixture.cache
        env.merge(environment) { _, given in given }
        process.environment = env
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = FileHandle.nullDevice
        process.standardError = stderrPipe
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] h in
            let chunk = h.availableData
            guard let self, !chunk.isEmpty else { return }
            self.lock.withLock { self.stderrText += String(decoding: chunk, as: UTF8.self) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    var stderr: String { lock.withLock { stderrText } }
    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until `probe` (/healthz; /readyz to wait for the workers too)
    /// answers 200 (serve) or the start-up line is written (work); throws
    /// with stderr when the process ends first.
    func waitUntilUp(timeout: Double = 60, probe: String = "/healthz") async throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            guard process.isRunning else { throw ServiceProcessError("the service ended (\(process.terminationStatus)): \(stderr)") }
            if process.arguments?.first == "work" {
                if stderr.contains("pygrade-service: working on") { return }
            } else if (try? await get(probe).status) == 200 {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServiceProcessError("not up within \(timeout) s: \(stderr)")
    }

    /// SIGTERM, then its exit status (SIGKILL after `timeout` seconds).
    func terminate(timeout: Double = 60) async -> Int32 {
        kill(process.processIdentifier, SIGTERM)
        return await waitForExit(timeout: timeout)
    }

    func kill9() async {
        kill(process.processIdentifier, SIGKILL)
        _ = await waitForExit(timeout: 10)
    }

    func waitForExit(timeout: Double) async -> Int32 {
        let end = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < end { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -1
        }
        return process.terminationReason == .exit ? process.terminationStatus : 128 + process.terminationStatus
    }

    struct Answer {
        var status: Int
        var body: Data
        func json() throws -> [String: Any] {
            guard let o = try JSONSerialization.jsonObject(with: body) as? [String: Any] else {
                throw ServiceProcessError("not a JSON object")
            }
            return o
        }
    }

    func get(_ path: String) async throws -> Answer { try await send(.GET, path, body: nil) }
    func post(_ path: String, json: Data) async throws -> Answer { try await send(.POST, path, body: json) }

    private func send(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> Answer {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
        let bytes = try await response.body.collect(upTo: 16 << 20)
        return Answer(status: Int(response.status.code), body: Data(bytes.readableBytesView))
    }
}

struct ServiceProcessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
