import Foundation
import Testing

@testable import PygradeQueue

@Suite struct CallbackQueueTests {
    @Test(arguments: Driver.allCases) func aCallbackIsDueWhenItsJobEnds(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(callback: "https://example.org/a"))
            _ = try await add(queue)
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
            #expect(try await queue.complete(lease, result: Data("{}".utf8)))
            // The job without a callback URL ends without one.
            let other = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.complete(other, result: Data("{}".utf8)))
            let tasks = try await queue.claimCallbacks(limit: 10, leaseSeconds: 30)
            #expect(tasks.count == 1)
            #expect(tasks.first?.jobID == id && tasks.first?.url == "https://example.org/a" && tasks.first?.tries == 0)
            // Claimed: no other node gets it meanwhile.
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
            try await queue.callbackFinished(try #require(tasks.first), delivered: true, reason: nil)
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 0).isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func aFailedCallbackIsTriedAgainAfterItsDelay(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(maxAttempts: 1, callback: "https://example.org/b"))
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            // A failed job is reported too.
            #expect(try await queue.fail(lease, reason: "no report", retry: true))
            let first = try #require(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).first)
            #expect(first.jobID == id && first.tries == 0)
            try await queue.callbackRetry(first, delay: 0.5, reason: "HTTP 500")
            try await pause(1)
            let second = try #require(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).first)
            #expect(second.jobID == id && second.tries == 1 && second.token != first.token)
            // Not due before its delay (a long one: a loaded machine can stall a test for seconds).
            try await queue.callbackRetry(second, delay: 60, reason: "HTTP 500")
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func aCallbackEndsDeliveredOrAbandoned(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            for n in 0..<2 {
                _ = try await add(queue, newJob(callback: "https://example.org/\(n)"))
                let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
                #expect(try await queue.complete(lease, result: Data()))
            }
            let tasks = try await queue.claimCallbacks(limit: 10, leaseSeconds: 30)
            #expect(tasks.count == 2)
            try await queue.callbackRetry(tasks[0], delay: 0, reason: "HTTP 500")
            let again = try #require(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).first)
            #expect(again.jobID == tasks[0].jobID && again.tries == 1)
            try await queue.callbackFinished(again, delivered: false, reason: "gave up after 2 tries")
            try await queue.callbackFinished(tasks[1], delivered: true, reason: nil)
            try await pause(0.1)
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 0).isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func aClaimedCallbackIsTakenOverWhenItsClaimExpires(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            for n in 0..<3 {
                _ = try await add(queue, newJob(callback: "https://example.org/\(n)"))
                let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
                #expect(try await queue.complete(lease, result: Data()))
            }
            // One claimed for long, two for a moment.
            #expect(try await queue.claimCallbacks(limit: 1, leaseSeconds: 60).count == 1)
            let stale = try await queue.claimCallbacks(limit: 10, leaseSeconds: 0.5)
            #expect(stale.count == 2)
            try await pause(1)
            let taken = try await queue.claimCallbacks(limit: 10, leaseSeconds: 30)
            #expect(Set(taken.map(\.jobID)) == Set(stale.map(\.jobID)))
            // The node that lost the claim changes nothing.
            for task in stale { try await queue.callbackFinished(task, delivered: true, reason: nil) }
            for task in taken { try await queue.callbackRetry(task, delay: 0, reason: "timeout") }
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).count == 2)
        }
    }

    @Test(arguments: Driver.allCases) func aRequeuedJobReportsAgainWhenItEnds(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(maxAttempts: 1, callback: "https://example.org/c"))
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.fail(lease, reason: "no report", retry: false))
            let task = try #require(try await queue.claimCallbacks(limit: 1, leaseSeconds: 30).first)
            try await queue.callbackFinished(task, delivered: true, reason: nil)
            #expect(try await queue.requeue(id))
            #expect(try await queue.claimCallbacks(limit: 1, leaseSeconds: 30).isEmpty)
            let again = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.complete(again, result: Data("{}".utf8)))
            let second = try #require(try await queue.claimCallbacks(limit: 1, leaseSeconds: 30).first)
            #expect(second.jobID == id && second.tries == 0)
        }
    }
}
