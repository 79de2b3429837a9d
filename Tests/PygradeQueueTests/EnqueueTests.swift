import Foundation
import Testing

@testable import PygradeQueue

@Suite struct EnqueueTests {
    @Test(arguments: Driver.allCases) func aNewJobIsStoredAsGiven(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let before = Date()
            let id = try await add(queue, newJob(owner: "key-1", callback: "https://example.org/hook", payload: "{\"a\":1}"))
            #expect(id.hasPrefix("sub_") && id.count == 26)
            #expect(id.dropFirst(4).allSatisfy { $0.isLetter || $0.isNumber })
            let record = try #require(try await queue.job(id))
            #expect(record.state == .queued && record.attempts == 0 && record.maxAttempts == 3)
            #expect(record.owner == "key-1" && record.batchID == nil && record.exercisesSHA256 == "ex-A")
            #expect(record.payload == Data("{\"a\":1}".utf8) && record.callbackURL == "https://example.org/hook")
            #expect(record.result == nil && record.error == nil && record.claimedAt == nil && record.finishedAt == nil)
            #expect(abs(record.createdAt.timeIntervalSince(before)) < 5)
            #expect(try await queue.job("sub_doesnotexist0000000000") == nil)
        }
    }

    @Test(arguments: Driver.allCases) func theSameKeyAndRequestGiveTheSameJob(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(owner: "alice", key: "k1", request: "hash-1"))
            let again = try await queue.enqueue([newJob(owner: "alice", key: "k1", request: "hash-1")], batchOwner: nil)
            #expect(again.outcomes == [.existing(id)])
            let other = try await queue.enqueue([newJob(owner: "alice", key: "k1", request: "hash-2")], batchOwner: nil)
            #expect(other.outcomes == [.conflict(id)])
            // Keys are per owner: another owner's same key is another job.
            let bob = try await add(queue, newJob(owner: "bob", key: "k1", request: "hash-2"))
            #expect(bob != id)
            #expect(try await queue.counts()[.queued] == 2)
        }
    }

    @Test(arguments: Driver.allCases) func aConflictAddsNothingOfTheList(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let id = try await add(queue, newJob(key: "k1", request: "hash-1"))
            let result = try await queue.enqueue(
                [newJob(key: "k2"), newJob(key: "k1", request: "hash-other"), newJob()], batchOwner: "local")
            #expect(result.batchID == nil)
            #expect(result.outcomes.count == 3 && result.outcomes[1] == .conflict(id))
            #expect(try await queue.counts() == [.queued: 1, .running: 0, .done: 0, .failed: 0])
            // k2 was rolled back with the rest: it is free for a new request.
            #expect(try await queue.enqueue([newJob(key: "k2", request: "hash-3")], batchOwner: nil).outcomes.count == 1)
            #expect(try await queue.counts()[.queued] == 2)
        }
    }

    @Test(arguments: Driver.allCases) func aKeyRepeatedInOneListIsOneJob(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let result = try await queue.enqueue([newJob(key: "same"), newJob(key: "same")], batchOwner: nil)
            guard case .created(let id) = result.outcomes[0] else { throw QueueTestFailure("got \(result.outcomes)") }
            #expect(result.outcomes[1] == .existing(id))
            #expect(try await queue.counts()[.queued] == 1)
        }
    }

    @Test(arguments: Driver.allCases) func aBatchKeepsItsJobsInOrderAndCountsThem(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            let result = try await queue.enqueue((0..<5).map { newJob(payload: "{\"n\":\($0)}") }, batchOwner: "teacher")
            let batchID = try #require(result.batchID)
            #expect(batchID.hasPrefix("bat_") && batchID.count == 26)
            let ids = result.outcomes.map(\.id)
            let batch = try #require(try await queue.batch(batchID))
            #expect(batch.id == batchID && batch.owner == "teacher" && batch.jobIDs == ids)
            #expect(batch.counts == [.queued: 5, .running: 0, .done: 0, .failed: 0])
            for (n, id) in ids.enumerated() {
                let record = try #require(try await queue.job(id))
                #expect(record.batchID == batchID && record.payload == Data("{\"n\":\(n)}".utf8))
            }
            let first = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            let second = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.complete(first, result: Data("{}".utf8)))
            #expect(try await queue.fail(second, reason: "no report", retry: false))
            _ = try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30)
            let later = try #require(try await queue.batch(batchID))
            #expect(later.counts == [.queued: 2, .running: 1, .done: 1, .failed: 1])
            #expect(try await queue.batch("bat_doesnotexist0000000000") == nil)
        }
    }

    @Test(arguments: Driver.allCases) func countsAndPendingFollowTheStates(_ driver: Driver) async throws {
        try await withQueue(driver) { _, queue in
            #expect(try await queue.counts() == [.queued: 0, .running: 0, .done: 0, .failed: 0])
            for _ in 0..<3 { _ = try await add(queue, newJob(owner: "alice")) }
            _ = try await add(queue, newJob(owner: "bob", exercises: "ex-B"))
            #expect(try await queue.pending(owner: "alice") == 3)
            #expect(try await queue.pending(owner: "bob") == 1)
            #expect(try await queue.pending(owner: "carol") == 0)
            let lease = try #require(try await queue.claim(worker: "w", exercisesSHA256: "ex-A", leaseSeconds: 30))
            #expect(try await queue.pending(owner: "alice") == 3)
            #expect(try await queue.complete(lease, result: Data("{}".utf8)))
            #expect(try await queue.pending(owner: "alice") == 2)
            #expect(try await queue.counts() == [.queued: 3, .running: 0, .done: 1, .failed: 0])
            #expect(await queue.ping())
        }
    }
}
