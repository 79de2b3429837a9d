import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// A candidate graded by a real `serve` reaches for the service's secrets
/// (the data folder, the queue file, the keys file, the callback secret,
/// the exercises' reference solutions) and its port, from inside the
/// sandbox: all of it stays out of reach, and the verdict is the honest one.
@Suite(.serialized)
struct AttackSandboxTests {
    static func candidate(paths: [String], port: Int) -> String {
        let list = paths.map { "\"\($0)\"" }.joined(separator: ", ")
        return """
            import os

            def _reach():
                found = []
                for p in [\(list)]:
                    try:
                        with open(p, "rb") as f:
                            found.append(p + "=" + f.read(64).decode("latin-1"))
                    except Exception:
                        pass
                    try:
                        found.append(p + " lists " + ",".join(os.listdir(p)))
                    except Exception:
                        pass
                try:
                    import socket
                    socket.create_connection(("127.0.0.1", \(port)), timeout=1)
                    found.append("connected to the service")
                except Exception:
                    pass
                for k, v in os.environ.items():
                    found.append("env " + k)
                return found

            _AT_IMPORT = _reach()

            def reverse_string(s):
                found = _AT_IMPORT + _reach()
                if found:
                    return "LEAK " + " | ".join(found)
                return "".join([s[i] for i in range(len(s) - 1, -1, -1)])

            """
    }

    @Test func aCandidateReachesNothingOfTheService() async throws {
        let data = TemporaryFolder(prefix: "pygrade-service")
        let outside = TemporaryFolder(prefix: "pygrade-secrets")
        let keys = outside.write(
            "keys.yaml",
            "keys:\n  - id: alice\n    sha256: \(APIKeyTests.sha("alice-secret"))\n    rate_per_minute: 10\n    max_queued: 10\n")
        let secret = outside.write("callback.secret", "s3cr3t-callback-key-0123456789\n")
        let serve = try ServiceProcess(
            "serve", ["--workers", "1", "--keys", keys.path, "--callback-secret-file", secret.path], data: data)
        try await serve.waitUntilUp()
        let paths = [
            data.path, data.path("queue.sqlite3"), data.path("queue.sqlite3-wal"), keys.path, secret.path, outside.path,
            NodeFixture.exercises.appendingPathComponent("reverse/reference.py").path, NodeFixture.exercises.path,
            "/proc/self/environ", "/proc/1/cmdline", "/etc/passwd", NodeFixture.binaries.path, FileManager.default.currentDirectoryPath,
        ]
        let queue = try SQLiteQueue(path: data.path("queue.sqlite3"))
        let id = try await NodeProcessTests.enqueue(
            queue, SubmissionRequest(source: Self.candidate(paths: paths, port: serve.port), exercises: ["reverse"]))
        let job = try await NodeProcessTests.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(serve.stderr)")
        let report = String(decoding: job?.result ?? Data(), as: UTF8.self)
        #expect(!report.contains("LEAK"), "\(report)")
        let object = try JSONSerialization.jsonObject(with: job?.result ?? Data()) as? [String: Any]
        #expect(object?["verdict"] as? String == "passed", "\(report)")
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
        await queue.close()
    }
}
