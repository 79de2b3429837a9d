import Foundation
import PygradeQueue

/// A queue whose store cannot be reached: every call throws `.unreachable`
/// and `ping` is false, as a lost database would answer (the API's 503).
struct APIUnreachableQueue: JobQueue {
    private func lost() -> QueueError { QueueError(.unreachable, "the test queue is unreachable") }

    func enqueue(_ jobs: [NewJob], batchOwner: String?) async throws -> (outcomes: [EnqueueOutcome], batchID: String?) { throw lost() }
    func job(_ id: String) async throws -> JobRecord? { throw lost() }
    func batch(_ id: String) async throws -> BatchRecord? { throw lost() }
    func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease? { throw lost() }
    func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool { throw lost() }
    func complete(_ lease: Lease, result: Data) async throws -> Bool { throw lost() }
    func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool { throw lost() }
    func release(_ lease: Lease) async throws -> Bool { throw lost() }
    func requeue(_ id: String) async throws -> Bool { throw lost() }
    func counts() async throws -> [JobState: Int] { throw lost() }
    func pending(owner: String) async throws -> Int { throw lost() }
    func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask] { throw lost() }
    func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws { throw lost() }
    func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws { throw lost() }
    func waitForJobs(timeout: Double) async {}
    func waitForEnd(of id: String, timeout: Double) async {}
    func ping() async -> Bool { false }
    func close() async {}
}
