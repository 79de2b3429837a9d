import Foundation
import TestSupport
import Testing

@testable import PygradeQueue

/// What only the embedded driver has: several openers of one file, a
/// restart, and the in-process wake-up.
@Suite struct SQLiteQueueTests {
    @Test func aSecondOpenerOfTheFileSeesTheJobs() async throws {
        try await withQueue(.sqlite) { store, queue in
            let id = try await add(queue)
            let other = try await store.open()
            #expect(try await other.job(id)?.state == .queued)
            let lease = try #require(try await other.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(lease.jobID == id)
            #expect(try await queue.job(id)?.state == .running)
            await other.close()
        }
    }

    @Test func aRunningJobIsClaimedAgainAfterARestart() async throws {
        let store = try await Driver.sqlite.makeStore()
        var queue = try await store.open()
        let running = try await add(queue)
        let waiting = try await add(queue)
        _ = try #require(try await queue.claim(worker: "killed", exercisesSHA256: "ex-A", leaseSeconds: 0.3))
        await queue.close()
        try await pause(0.5)
        queue = try await store.open()
        let again = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
        #expect(again.jobID == running && again.attempt == 2)
        let next = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
        #expect(next.jobID == waiting && next.attempt == 1)
        await queue.close()
    }

    @Test func waitForJobsWakesWhenThisProcessAddsOne() async throws {
        try await withQueue(.sqlite) { _, queue in
            let clock = ContinuousClock()
            let start = clock.now
            async let woke: Void = queue.waitForJobs(timeout: 20)
            try await pause(0.2)
            _ = try await add(queue)
            await woke
            #expect(clock.now - start < .seconds(5))
            // With nothing added, the wait ends at its timeout: the polling fallback.
            let idle = clock.now
            await queue.waitForJobs(timeout: 0.3)
            #expect(clock.now - idle >= .seconds(0.3))
        }
    }

    /// `serve` with workers of its own: a long-poll wakes when the job it
    /// waits on ends in this process, and only then.
    @Test func waitForEndWakesWhenThisProcessEndsThatJob() async throws {
        try await withQueue(.sqlite) { _, queue in
            let clock = ContinuousClock()
            let id = try await add(queue)
            let other = try await add(queue)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(lease.jobID == id)
            let start = clock.now
            async let onIt: ContinuousClock.Instant = {
                await queue.waitForEnd(of: id, timeout: 20)
                return clock.now
            }()
            async let onOther: ContinuousClock.Instant = {
                await queue.waitForEnd(of: other, timeout: 2)
                return clock.now
            }()
            try await pause(0.3)
            let sent = clock.now
            #expect(try await queue.complete(lease, result: Data("{}".utf8)))
            #expect(await onIt - sent < .seconds(1))
            #expect(await onOther - start >= .seconds(2), "woken by another job's end")
        }
    }

    @Test func aFolderThatCannotBeMadeIsUnreachable() async throws {
        let folder = TemporaryFolder(prefix: "pygrade-queue")
        folder.write("file", "not a folder")
        let error = try await #require(throws: QueueError.self) {
            _ = try await QueueLocation.sqlite(path: folder.path("file/queue.sqlite")).open()
        }
        #expect(error.code == .unreachable)
        #expect(error.message.contains(folder.path("file")))
    }

    @Test func aFileThatIsNotADatabaseIsCorrupt() async throws {
        let folder = TemporaryFolder(prefix: "pygrade-queue")
        folder.write("queue.sqlite", String(repeating: "not a database ", count: 100))
        let error = try await #require(throws: QueueError.self) {
            _ = try await QueueLocation.sqlite(path: folder.path("queue.sqlite")).open()
        }
        #expect(error.code == .corrupt)
    }
}
