import Foundation
import Testing

@testable import PygradeQueue

@Suite struct ConcurrencyTests {
    /// Two clients (two queue objects on the same store, as two `work`
    /// processes) with four claiming tasks each share 300 jobs: each job is
    /// claimed once and completed once.
    @Test(arguments: Driver.allCases) func twoClaimersShareThreeHundredJobsExactlyOnce(_ driver: Driver) async throws {
        try await withQueue(driver) { store, queue in
            let ids = try await queue.enqueue((0..<300).map { newJob(payload: "{\"n\":\($0)}") }, batchOwner: "t").outcomes
                .map(\.id)
            let second = try await store.open()
            let clients: [any JobQueue] = [queue, second]
            let claimed = try await withThrowingTaskGroup(of: (Int, [String]).self) { group in
                for (c, client) in clients.enumerated() {
                    for t in 0..<4 {
                        group.addTask {
                            var mine: [String] = []
                            while let lease = try await client.claim(worker: "c\(c)t\(t)", exercisesSHA256: "ex-A", leaseSeconds: 60) {
                                guard try await client.complete(lease, result: Data(lease.jobID.utf8)) else {
                                    throw QueueTestFailure("\(lease.jobID) could not be completed under its own lease")
                                }
                                mine.append(lease.jobID)
                            }
                            return (c, mine)
                        }
                    }
                }
                var all: [(Int, [String])] = []
                for try await part in group { all.append(part) }
                return all
            }
            await second.close()
            let flat = claimed.flatMap(\.1)
            #expect(flat.count == 300)
            #expect(Set(flat) == Set(ids))
            // Both clients took part.
            #expect(claimed.filter { $0.0 == 0 }.flatMap(\.1).count > 0)
            #expect(claimed.filter { $0.0 == 1 }.flatMap(\.1).count > 0)
            #expect(try await queue.counts() == [.queued: 0, .running: 0, .done: 300, .failed: 0])
            for id in ids.prefix(20) {
                let record = try #require(try await queue.job(id))
                #expect(record.attempts == 1 && record.result == Data(id.utf8))
            }
        }
    }
}
