import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// `pygrade work` processes on a throw-away PostgreSQL: a worker killed
/// mid-job, and two workers sharing many submissions.
@Suite(.serialized)
struct NodePostgresTests {
    static func database() async throws -> (url: String, queue: any JobQueue) {
        let url = try await PostgresServer.shared.createDatabase()
        return (url, try await QueueLocation(parsing: url).open())
    }

    @Test func kill9OfAWorkMidJobReLeasesItAfterExpiry() async throws {
        let (url, queue) = try await Self.database()
        let first = try ServiceProcess("work", ["--queue", url, "--jobs", "1", "--lease", "3"])
        try await first.waitUntilUp()
        let password = try #require(URLComponents(string: url)?.password)
        #expect(first.stderr.contains("working on queue postgres://") && !first.stderr.contains(password), "no password shown")
        let id = try await NodeProcessTests.enqueue(queue, NodeLeaseTests.sleeper(6))
        #expect(await NodeProcessTests.running(queue, id))
        await first.kill9()
        let second = try ServiceProcess("work", ["--queue", url, "--jobs", "1", "--lease", "3"])
        try await second.waitUntilUp()
        let job = try await NodeProcessTests.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(second.stderr)")
        #expect(job?.attempts == 2)
        #expect(await second.terminate() == 0, "\(second.stderr)")
        await queue.close()
    }

    /// The password need not be on the command line, where every local user
    /// can read it: a URL without one takes PGPASSWORD, as psql does.
    @Test func aQueueURLWithoutItsPasswordTakesPGPASSWORD() async throws {
        let (url, queue) = try await Self.database()
        var parts = try #require(URLComponents(string: url))
        let password = try #require(parts.password)
        parts.password = nil
        let bare = try #require(parts.string)
        #expect(!bare.contains(password))
        let refused = try ServiceProcess("work", ["--queue", bare, "--jobs", "1"], environment: ["PGPASSWORD": ""])
        let status = await refused.waitForExit(timeout: 60)
        #expect(status > 0, "no password: the queue cannot be opened")
        #expect(refused.stderr.contains("cannot be opened"), "\(refused.stderr)")
        let worker = try ServiceProcess("work", ["--queue", bare, "--jobs", "1"], environment: ["PGPASSWORD": password])
        try await worker.waitUntilUp()
        let id = try await NodeProcessTests.enqueue(queue, SubmissionRequest(source: NodeFixture.reverseSolution, exercises: ["reverse"]))
        let job = try await NodeProcessTests.finished(queue, id)
        #expect(job?.state == .done, "\(job?.error ?? "") \(worker.stderr)")
        #expect(await worker.terminate() == 0, "\(worker.stderr)")
        await queue.close()
    }

    @Test func twoWorkProcessesShare300SubmissionsNoneLostNoneGradedTwice() async throws {
        let (url, queue) = try await Self.database()
        let workers = try (0..<2).map { _ in try ServiceProcess("work", ["--queue", url, "--jobs", "1"]) }
        for w in workers { try await w.waitUntilUp() }
        let hash = CatalogHash.of(try NodeFixture.catalog())
        let jobs = try (0..<300).map { i in
            NewJob(
                payload: try JSONEncoder().encode(
                    SubmissionRequest(source: NodeFixture.reverseSolution + "# \(i)\n", exercises: ["reverse"])),
                exercisesSHA256: hash, owner: "local", requestSHA256: "\(i)")
        }
        let ids = try await queue.enqueue(jobs, batchOwner: nil).outcomes.map(\.id)
        #expect(Set(ids).count == 300)
        let allDone = await NodeFixture.eventually(timeout: 600) {
            ((try? await queue.counts()[.done]) ?? 0) == 300
        }
        let counts = try await queue.counts()
        #expect(allDone, "\(counts)")
        for id in ids {
            let job = try await queue.job(id)
            #expect(job?.state == .done && job?.attempts == 1, "\(id): \(job?.state.rawValue ?? "lost") after \(job?.attempts ?? 0)")
        }
        for w in workers { #expect(await w.terminate() == 0, "\(w.stderr)") }
        await queue.close()
    }
}
