import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// A client's view of a running `pygrade serve`: POST a submission over
/// HTTP, long-poll its document, on PostgreSQL and on the SQLite default;
/// and the SQLite default surviving `kill -9` of the whole service.
@Suite(.serialized)
struct ServiceHTTPTests {
    static func post(_ serve: ServiceProcess, _ request: SubmissionRequest) async throws -> String {
        let answer = try await serve.post("/v1/submissions", json: JSONEncoder().encode(request))
        #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
        return try #require(try answer.json()["id"] as? String)
    }

    /// The submission document once its job ended (long-polled, 60 s at a time).
    static func ended(_ serve: ServiceProcess, _ id: String, tries: Int = 5) async throws -> [String: Any] {
        for _ in 0..<tries {
            let document = try await serve.get("/v1/submissions/\(id)?wait=60").json()
            if let state = document["state"] as? String, state == "done" || state == "failed" { return document }
        }
        throw ServiceProcessError("\(id) did not end in \(tries) minutes: \(serve.stderr)")
    }

    @Test func aFilePostedToServeOnPostgresGetsTheReportGradeGives() async throws {
        let folder = TemporaryFolder(prefix: "pygrade-http")
        folder.write("sol.py", NodeFixture.reverseSolution)
        let cli = try await NodeFixture.runPygrade(
            ["grade", "--format", "json", "--exercises-dir", NodeFixture.exercises.path, "sol.py"], in: folder.url)
        let url = try await PostgresServer.shared.createDatabase()
        let serve = try ServiceProcess("serve", ["--queue", url, "--workers", "1"])
        try await serve.waitUntilUp()
        let id = try await Self.post(serve, SubmissionRequest(source: NodeFixture.reverseSolution, filename: "sol.py"))
        let document = try await Self.ended(serve, id)
        #expect(document["state"] as? String == "done", "\(document) \(serve.stderr)")
        #expect(document["attempts"] as? Int == 1)
        let report = try JSONSerialization.data(withJSONObject: try #require(document["report"]))
        #expect(try NodeFixture.comparable(report) == NodeFixture.comparable(cli.stdout))
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
    }

    @Test func theSQLiteDefaultSurvivesKill9OfServe() async throws {
        let data = TemporaryFolder(prefix: "pygrade-service")
        let first = try ServiceProcess("serve", ["--workers", "1", "--lease", "3"], data: data)
        try await first.waitUntilUp()
        // One job held by the only slot (it sleeps 4 s, under a wall limit
        // of 2 x 5 + 1 s), three queued behind it.
        let sleeper = SubmissionRequest(
            source: "import time\ntime.sleep(4)\n" + NodeFixture.reverseSolution, exercises: ["reverse"],
            limits: RequestLimits(time: 5, budget: 30))
        let held = try await Self.post(first, sleeper)
        var waiting: [String] = []
        for i in 0..<3 {
            waiting.append(
                try await Self.post(first, SubmissionRequest(source: NodeFixture.reverseSolution + "# \(i)\n", exercises: ["reverse"])))
        }
        #expect(
            await NodeFixture.eventually {
                (try? await first.get("/v1/submissions/\(held)").json()["state"] as? String) == "running"
            })
        await first.kill9()

        let second = try ServiceProcess("serve", ["--workers", "1", "--lease", "3"], data: data)
        try await second.waitUntilUp()
        for id in [held] + waiting {
            let document = try await Self.ended(second, id)
            #expect(document["state"] as? String == "done", "\(id): \(document) \(second.stderr)")
            let report = try #require(document["report"] as? [String: Any])
            #expect(report["verdict"] as? String == "passed", "\(id)")
        }
        let attempts = try await second.get("/v1/submissions/\(held)").json()["attempts"] as? Int
        #expect(attempts == 2, "the killed service's claim, then one after its lease expired")
        #expect(await second.terminate() == 0, "\(second.stderr)")
    }
}
