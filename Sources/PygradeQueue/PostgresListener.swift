import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Holds one pooled connection that LISTENs on the queue's channel and fires
/// the wake signal on every notification of claimable jobs, and the ends
/// signal, keyed by the job's id, on every notification of an ended job.
/// When the connection drops it wakes all waiters (who then poll) and
/// listens again a second later.
final class PostgresListener: Sendable {
    private let task = Mutex<Task<Void, Never>?>(nil)
    private let listening = Atomic<Bool>(false)

    func start(client: PostgresClient, channel: String, wake: WakeSignal, ends: WakeSignal, logger: Logger) {
        let started = Task {
            while !Task.isCancelled {
                do {
                    try await client.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            self.listening.store(true, ordering: .releasing)
                            for try await notification in notifications {
                                if notification.payload.hasPrefix(PostgresQueue.endPrefix) {
                                    ends.fire(key: String(notification.payload.dropFirst(PostgresQueue.endPrefix.count)))
                                } else {
                                    wake.fire()
                                }
                            }
                        }
                    }
                } catch {
                    logger.debug("The queue's LISTEN connection ended: \(error)")
                }
                self.listening.store(false, ordering: .releasing)
                wake.fire()
                ends.fire()
                try? await Task.sleep(for: .seconds(1))
            }
        }
        task.withLock { $0 = started }
    }

    var isListening: Bool { listening.load(ordering: .acquiring) }

    /// Waits (up to `timeout` seconds) until the LISTEN is in place, so that
    /// a queue just opened misses no notification sent after.
    func waitUntilListening(timeout: Double) async {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: .seconds(timeout))
        while !isListening, clock.now < end, !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Stops listening; the task ends once its connection is given back.
    func stop() -> Task<Void, Never>? {
        task.withLock { task in
            task?.cancel()
            return task
        }
    }
}
