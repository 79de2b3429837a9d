import Foundation
import Testing

@testable import PygradeQueue

@Suite struct LeaseTests {
    @Test(arguments: Driver.allCases) func anExpiredLeaseIsClaimedAgainAsAttemptTwo(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue)
            let lost = try #require(try await queue.claim(worker: "killed", exercisesSHA256: "ex-A", leaseSeconds: 0.3))
            #expect(try await queue.claim(worker: "other", exercisesSHA256: "ex-A", leaseSeconds: 30) == nil)
            try await pause(0.6)
            let lease = try #require(try await queue.claim(worker: "other", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(lease.jobID == id && lease.attempt == 2 && lease.token != lost.token)
            // The worker that lost the lease changes nothing.
            #expect(try await queue.heartbeat(lost, leaseSeconds: 30) == false)
            #expect(try await queue.complete(lost, result: Data("lost".utf8)) == false)
            #expect(try await queue.fail(lost, reason: "lost", retry: false) == false)
            #expect(try await queue.release(lost) == false)
            #expect(try await queue.job(id)?.state == .running)
            #expect(try await queue.complete(lease, result: Data("kept".utf8)))
            let record = try #require(try await queue.job(id))
            #expect(record.state == .done && record.attempts == 2 && record.result == Data("kept".utf8))
        }
    }

    @Test(arguments: Driver.allCases) func aHeartbeatKeepsTheLease(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            _ = try await add(queue)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 0.5))
            #expect(try await queue.heartbeat(lease, leaseSeconds: 30))
            try await pause(0.8)
            #expect(try await queue.claim(worker: "other", exercisesSHA256: "ex-A", leaseSeconds: 30) == nil)
            #expect(try await queue.complete(lease, result: Data()))
        }
    }

    @Test(arguments: Driver.allCases) func afterTheLastAttemptTheJobIsDeadUntilRequeued(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(maxAttempts: 2))
            for attempt in 1...2 {
                let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 0.2))
                #expect(lease.attempt == attempt)
                try await pause(0.4)
            }
            #expect(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30) == nil)
            let dead = try #require(try await queue.job(id))
            #expect(dead.state == .failed && dead.attempts == 2 && dead.finishedAt != nil)
            #expect(dead.error == "lease expired after 2 attempts")
            #expect(try await queue.counts()[.failed] == 1)
            #expect(try await queue.requeue(id))
            #expect(try await queue.requeue(id) == false)
            let back = try #require(try await queue.job(id))
            #expect(back.state == .queued && back.attempts == 0 && back.finishedAt == nil)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(lease.jobID == id && lease.attempt == 1)
        }
    }

    @Test(arguments: Driver.allCases) func aDeadJobIsSkippedForTheNextOne(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let dead = try await add(queue, newJob(maxAttempts: 1))
            let next = try await add(queue)
            _ = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 0.2))
            try await pause(0.4)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(lease.jobID == next)
            #expect(try await queue.job(dead)?.state == .failed)
            #expect(try await queue.job(dead)?.error == "lease expired after 1 attempts")
        }
    }

    @Test(arguments: Driver.allCases) func aFailureIsRetriedWhileAttemptsRemain(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(maxAttempts: 2))
            let first = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.fail(first, reason: "grader crashed", retry: true))
            let queued = try #require(try await queue.job(id))
            #expect(queued.state == .queued && queued.attempts == 1 && queued.error == "grader crashed")
            let second = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(second.attempt == 2)
            #expect(try await queue.fail(second, reason: "grader crashed again", retry: true))
            let failed = try #require(try await queue.job(id))
            #expect(failed.state == .failed && failed.attempts == 2 && failed.error == "grader crashed again")
            #expect(failed.finishedAt != nil)
        }
    }

    @Test(arguments: Driver.allCases) func aRefusedJobFailsAtOnce(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.fail(lease, reason: "the payload is not a submission", retry: false))
            let record = try #require(try await queue.job(id))
            #expect(record.state == .failed && record.attempts == 1 && record.error == "the payload is not a submission")
        }
    }

    @Test(arguments: Driver.allCases) func aReleaseDoesNotCountTheAttempt(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(maxAttempts: 1))
            for _ in 0..<3 {
                let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
                #expect(lease.attempt == 1)
                #expect(try await queue.release(lease))
                let record = try #require(try await queue.job(id))
                #expect(record.state == .queued && record.attempts == 0 && record.claimedAt == nil)
            }
        }
    }
}
