import Foundation
import PygradeQueue
import Synchronization

/// Renews a lease every third of its length while a job is graded. When the
/// queue says the lease is no longer this one's (it expired and another
/// worker took the job), `lost` is set and the result must be dropped: the
/// queue would refuse it anyway, and it is never written under another lease.
final class LeaseHeartbeat: Sendable {
    private let flag: Flag
    private let task: Task<Void, Never>

    final class Flag: Sendable {
        let value = Mutex(false)
    }

    var lost: Bool { flag.value.withLock { $0 } }

    init(queue: any JobQueue, lease: Lease, leaseSeconds: Double) {
        let flag = Flag()
        self.flag = flag
        task = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(leaseSeconds / 3))
                if Task.isCancelled { return }
                do {
                    if try await !queue.heartbeat(lease, leaseSeconds: leaseSeconds) {
                        flag.value.withLock { $0 = true }
                        return
                    }
                } catch {
                    // The queue did not answer: try again next beat; the
                    // lease may still be ours.
                }
            }
        }
    }

    func stop() { task.cancel() }
}
