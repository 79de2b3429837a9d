import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// The built binaries as an operator runs them: `pygrade serve`/`work`
/// forwarding, a submission graded by a running `work` or `serve`, SIGTERM
/// and kill -9. Jobs go straight into the SQLite queue the processes share
/// (what the API does with a POST; its own tests go through HTTP).
@Suite(.serialized)
struct NodeProcessTests {
    static func queue(_ data: TemporaryFolder) throws -> SQLiteQueue { try SQLiteQueue(path: data.path("queue.sqlite3")) }

    static func enqueue(_ queue: any JobQueue, _ request: SubmissionRequest, callbackURL: String? = nil) async throws -> String {
        let hash = CatalogHash.of(try NodeFixture.catalog())
        let job = NewJob(
            payload: try JSONEncoder().encode(request), exercisesSHA256: hash, owner: "local", requestSHA256: "", callbackURL: callbackURL)
        return try await queue.enqueue([job], batchOwner: nil).outcomes[0].id
    }

    static func finished(_ queue: any JobQueue, _ id: String, timeout: Double = 120) async throws -> JobRecord? {
        _ = await NodeFixture.eventually(timeout: timeout) {
            let s = try? await queue.job(id)?.state
            return s == .done || s == .failed
        }
        return try await queue.job(id)
    }

    static func running(_ queue: any JobQueue, _ id: String) async -> Bool {
        await NodeFixture.eventually { (try? await queue.job(id)?.state) == .running }
    }

    @Test func pygradeServeRunsPygradeServiceWithTheSameArguments() async throws {
        let data = TemporaryFolder(prefix: "pygrade-service")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: NodeFixture.pygrade)
        p.arguments = ["serve", "--listen", "0.0.0.0:8080", "--data", data.path]
        let err = Pipe()
        p.standardError = err
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 2)
        #expect(
            text
                == "pygrade-service: no API keys (--keys): refusing to listen on 0.0.0.0:8080; without keys only a loopback address is allowed\n"
        )
    }

    @Test func aFileGradedByPygradeWorkGetsTheReportGradeGives() async throws {
        let folder = TemporaryFolder(prefix: "pygrade-node")
        folder.write("sol.py", NodeFixture.reverseSolution)
        let cli = try await NodeFixture.runPygrade(
            ["grade", "--format", "json", "--exercises-dir", NodeFixture.exercises.path, "sol.py"], in: folder.url)
        let data = TemporaryFolder(prefix: "pygrade-service")
        let work = try ServiceProcess(
            "work", ["--queue", "sqlite:\(data.path("queue.sqlite3"))", "--jobs", "1"], data: data, executable: NodeFixture.pygrade)
        try await work.waitUntilUp()
        let queue = try Self.queue(data)
        let id = try await Self.enqueue(queue, SubmissionRequest(source: NodeFixture.reverseSolution, filename: "sol.py"))
        let job = try await Self.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(work.stderr)")
        #expect(job?.attempts == 1)
        #expect(try NodeFixture.comparable(try #require(job?.result)) == NodeFixture.comparable(cli.stdout))
        #expect(await work.terminate() == 0, "\(work.stderr)")
    }

    @Test func serveAnswersHealthAndGradesWithItsOwnWorkers() async throws {
        let serve = try ServiceProcess("serve", ["--workers", "1"], executable: NodeFixture.pygrade)
        try await serve.waitUntilUp()
        #expect(
            serve.stderr.contains("queue sqlite:\(serve.data.path("queue.sqlite3")), 1 worker; no API keys: listening on loopback only"))
        #expect(await NodeFixture.eventually { (try? await serve.get("/readyz").status) == 200 }, "the worker comes up")
        let queue = try Self.queue(serve.data)
        let id = try await Self.enqueue(queue, SubmissionRequest(source: NodeFixture.reverseSolution, exercises: ["reverse"]))
        let job = try await Self.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(serve.stderr)")
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
    }

    @Test func sigtermMidJobLetsItFinishAndExitsZero() async throws {
        let serve = try ServiceProcess("serve", ["--workers", "1"])
        try await serve.waitUntilUp()
        let queue = try Self.queue(serve.data)
        let id = try await Self.enqueue(queue, NodeLeaseTests.sleeper(3))
        #expect(await Self.running(queue, id))
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
        let job = try await queue.job(id)
        #expect(job?.state == .done, "finished within the grace period, before the exit")
        #expect(job?.attempts == 1)
    }

    @Test func kill9OfAWorkMidJobReLeasesItAfterExpiry() async throws {
        let data = TemporaryFolder(prefix: "pygrade-service")
        let url = "sqlite:\(data.path("queue.sqlite3"))"
        let first = try ServiceProcess("work", ["--queue", url, "--jobs", "1", "--lease", "3"], data: data)
        try await first.waitUntilUp()
        let queue = try Self.queue(data)
        let id = try await Self.enqueue(queue, NodeLeaseTests.sleeper(6))
        #expect(await Self.running(queue, id))
        await first.kill9()
        let second = try ServiceProcess("work", ["--queue", url, "--jobs", "1", "--lease", "3"], data: data)
        try await second.waitUntilUp()
        let job = try await Self.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(second.stderr)")
        #expect(job?.attempts == 2, "claimed by the killed worker, then again after its lease expired")
        #expect(await second.terminate() == 0, "\(second.stderr)")
    }
}

/// Each binary needs the other next to it, and says so in one line.
@Suite(.serialized)
struct NodeBinaryPairTests {
    /// A folder beside the built binaries (the same file system: hard links
    /// work) holding only `name`.
    static func alone(_ name: String) throws -> (folder: URL, binary: String) {
        let folder = NodeFixture.binaries.appendingPathComponent("node-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let binary = folder.appendingPathComponent(name).path
        try FileManager.default.linkItem(atPath: NodeFixture.binaries.appendingPathComponent(name).path, toPath: binary)
        return (folder, binary)
    }

    static func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = arguments
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test func pygradeWithoutPygradeServiceSaysHowToBuildIt() throws {
        let (folder, binary) = try Self.alone("pygrade")
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = try Self.run(binary, ["serve"])
        #expect(out.status == 2)
        #expect(out.stderr == "pygrade: pygrade-service not found next to pygrade: build it with `swift build --product pygrade-service`\n")
    }

    @Test func pygradeServiceWithoutPygradeRefusesToGrade() throws {
        let (folder, binary) = try Self.alone("pygrade-service")
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = TemporaryFolder(prefix: "pygrade-service")
        let out = try Self.run(
            binary,
            ["work", "--queue", "sqlite:\(data.path("q.sqlite3"))", "--data", data.path, "--exercises-dir", NodeFixture.exercises.path])
        #expect(out.status == 2)
        let expected =
            "pygrade-service: \(folder.path)/pygrade is missing: pygrade-service grades with the pygrade binary next to it (swift build --product pygrade)\n"
        #expect(out.stderr == expected)
    }
}
