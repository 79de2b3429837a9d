import Foundation
import Testing

@testable import PygradeQueue

@Suite struct ClaimTests {
    @Test(arguments: Driver.allCases) func claimsByPriorityThenAge(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let old = try await add(queue, newJob(priority: 5))
            let urgentOld = try await add(queue, newJob(priority: 0))
            let young = try await add(queue, newJob(priority: 5))
            let urgentYoung = try await add(queue, newJob(priority: 0))
            var order: [String] = []
            while let lease = try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30) {
                order.append(lease.jobID)
            }
            #expect(order == [urgentOld, urgentYoung, old, young])
        }
    }

    @Test(arguments: Driver.allCases) func aClaimTakesOnlyJobsOfItsExercises(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let a = try await add(queue, newJob(exercises: "ex-A", payload: "{\"a\":true}"))
            let b = try await add(queue, newJob(exercises: "ex-B"))
            #expect(try await queue.claim(worker: "w", exercisesSHA256: "ex-C", leaseSeconds: 30) == nil)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-B", leaseSeconds: 30))
            #expect(lease.jobID == b && lease.attempt == 1)
            #expect(try await queue.claim(worker: "w", exercisesSHA256: "ex-B", leaseSeconds: 30) == nil)
            let other = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(other.jobID == a && other.payload == Data("{\"a\":true}".utf8))
            #expect(other.token != lease.token && other.token.count >= 16)
            let record = try #require(try await queue.job(a))
            #expect(record.state == .running && record.attempts == 1)
            #expect(record.claimedAt != nil && record.leaseExpiresAt.map { $0 > Date() } == true)
        }
    }

    @Test(arguments: Driver.allCases) func aCompletedJobKeepsItsReport(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.heartbeat(lease, leaseSeconds: 30))
            #expect(try await queue.complete(lease, result: Data("{\"score\":1}".utf8)))
            let record = try #require(try await queue.job(id))
            #expect(record.state == .done && record.result == Data("{\"score\":1}".utf8) && record.attempts == 1)
            #expect(record.finishedAt != nil && record.leaseExpiresAt == nil && record.error == nil)
            // Done is final for this lease: nothing else it does counts.
            #expect(try await queue.complete(lease, result: Data("{}".utf8)) == false)
            #expect(try await queue.fail(lease, reason: "late", retry: true) == false)
            #expect(try await queue.heartbeat(lease, leaseSeconds: 30) == false)
            #expect(try await queue.release(lease) == false)
            #expect(try await queue.requeue(id) == false)
            #expect(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30) == nil)
        }
    }
}
