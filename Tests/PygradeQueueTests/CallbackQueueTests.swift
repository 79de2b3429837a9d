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
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
            try await pause(0.8)
            let second = try #require(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).first)
            #expect(second.jobID == id && second.tries == 1 && second.token != first.token)
            try await queue.callbackRetry(second, delay: 0, reason: "HTTP 500")
            let third = try #require(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).first)
            #expect(third.tries == 2)
            try await queue.callbackFinished(third, delivered: false, reason: "gave up after 3 tries")
            try await pause(0.1)
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).isEmpty)
        }
    }

    @Test(arguments: Driver.allCases) func aClaimedCallbackIsTakenOverWhenItsClaimExpires(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            for n in 0..<3 {
                _ = try await add(queue, newJob(callback: "https://example.org/\(n)"))
                let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
                #expect(try await queue.complete(lease, result: Data()))
            }
            let stale = try await queue.claimCallbacks(limit: 2, leaseSeconds: 0.3)
            #expect(stale.count == 2)
            #expect(try await queue.claimCallbacks(limit: 10, leaseSeconds: 30).count == 1)
            try await pause(0.6)
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
