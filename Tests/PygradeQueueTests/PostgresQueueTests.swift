import Foundation
import TestSupport
import Testing

@testable import PygradeQueue

/// What only the PostgreSQL driver has: NOTIFY between clients, and a
/// server that cannot be reached.
@Suite struct PostgresQueueTests {
    @Test func waitForJobsWakesPromptlyOnAnotherClientsEnqueue() async throws {
        try await withQueue(.postgres) { store, queue in
            let other = try await store.open()
            let clock = ContinuousClock()
            for _ in 0..<3 {
                async let woke: ContinuousClock.Instant = {
                    await queue.waitForJobs(timeout: 20)
                    return clock.now
                }()
                try await pause(0.3)
                let sent = clock.now
                _ = try await add(other)
                let wokenAt = await woke
                #expect(wokenAt - sent < .seconds(1))
            }
            // A requeue notifies too.
            let lease = try #require(try await other.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await other.fail(lease, reason: "refused", retry: false))
            async let woke: ContinuousClock.Instant = {
                await queue.waitForJobs(timeout: 20)
                return clock.now
            }()
            try await pause(0.3)
            let sent = clock.now
            #expect(try await other.requeue(lease.jobID))
            #expect(await woke - sent < .seconds(1))
            await other.close()
        }
    }

    /// A long-poll on one API node wakes when a worker on another ends its
    /// job (done, or failed for good): the NOTIFY names the job, and a
    /// waiter on another job sleeps on.
    @Test func waitForEndWakesOnAnotherClientsCompletionOfThatJobOnly() async throws {
        try await withQueue(.postgres) { store, queue in
            let other = try await store.open()
            let clock = ContinuousClock()
            let first = try await add(other)
            let second = try await add(other)
            let a = try #require(try await other.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            let b = try #require(try await other.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(Set([a.jobID, b.jobID]) == [first, second])
            let start = clock.now
            async let onFirst: ContinuousClock.Instant = {
                await queue.waitForEnd(of: first, timeout: 20)
                return clock.now
            }()
            async let onSecond: ContinuousClock.Instant = {
                await queue.waitForEnd(of: second, timeout: 3)
                return clock.now
            }()
            try await pause(0.3)
            let sent = clock.now
            #expect(try await other.complete(a.jobID == first ? a : b, result: Data("{}".utf8)))
            #expect(await onFirst - sent < .seconds(1))
            #expect(await onSecond - start >= .seconds(3), "woken by another job's end")
            // A job failed for good ends too.
            async let failed: ContinuousClock.Instant = {
                await queue.waitForEnd(of: second, timeout: 20)
                return clock.now
            }()
            try await pause(0.3)
            let failedAt = clock.now
            #expect(try await other.fail(a.jobID == second ? a : b, reason: "refused", retry: false))
            #expect(await failed - failedAt < .seconds(1))
            await other.close()
        }
    }

    @Test func aServerThatIsNotThereIsUnreachable() async throws {
        let url = try await PostgresServer.shared.url()
        let location = try QueueLocation(parsing: url)
        guard case .postgres(var endpoint) = location else { throw QueueTestFailure("\(url) is not a postgres location") }
        // The port is free again once this probe's socket is closed.
        endpoint.port = 1
        let clock = ContinuousClock()
        let start = clock.now
        let error = try await #require(throws: QueueError.self) { _ = try await QueueLocation.postgres(endpoint).open() }
        #expect(error.code == .unreachable)
        #expect(error.message.contains("127.0.0.1:1") && !error.message.contains(endpoint.password ?? "-"))
        #expect(clock.now - start < .seconds(12))
    }

    @Test func aWrongPasswordIsUnreachableWithTheServersReason() async throws {
        let location = try QueueLocation(parsing: try await PostgresServer.shared.url())
        guard case .postgres(var endpoint) = location else { throw QueueTestFailure("not a postgres location") }
        endpoint.password = "wrong-password"
        let error = try await #require(throws: QueueError.self) { _ = try await QueueLocation.postgres(endpoint).open() }
        #expect(error.code == .unreachable)
        #expect(error.message.contains("password authentication failed"))
        #expect(!error.message.contains("wrong-password"))
    }

    @Test func aStoppedServerMakesCallsUnreachable() async throws {
        let server = PostgresServer()
        guard case .postgres(let endpoint) = try QueueLocation(parsing: try await server.createDatabase()) else {
            throw QueueTestFailure("the server's URL is not a postgres location")
        }
        // A short deadline per call, as the API would set for its 503.
        let queue = try await PostgresQueue(endpoint, callSeconds: 10)
        _ = try await add(queue)
        #expect(await queue.ping())
        await server.stop()
        #expect(await queue.ping() == false)
        let error = try await #require(throws: QueueError.self) { _ = try await queue.counts() }
        #expect(error.code == .unreachable && error.message.contains(endpoint.redacted))
        await queue.close()
    }
}
