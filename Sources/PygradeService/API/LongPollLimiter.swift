import Foundation
import Synchronization

/// The long-polls (`GET /v1/submissions/{id}?wait=N`) each caller holds
/// open at once. A wait holds a task and a connection for up to a minute:
/// without a bound one key, or one client on a server without keys, could
/// open thousands and hold the node's. In memory, per API node, like the
/// rate (said in docs/service.md).
final class LongPollLimiter: Sendable {
    private let open = Mutex<[String: Int]>([:])

    init() {}

    /// Counts one more wait of `caller` and answers true, or answers false
    /// (and counts nothing) when it already holds `limit`. A true answer
    /// is paired with one `leave`.
    func enter(_ caller: String, limit: Int) -> Bool {
        open.withLock { open in
            let now = open[caller, default: 0]
            guard now < limit else { return false }
            open[caller] = now + 1
            return true
        }
    }

    func leave(_ caller: String) {
        open.withLock { open in
            let now = open[caller, default: 0]
            open[caller] = now > 1 ? now - 1 : nil
        }
    }

    /// The waits `caller` holds now (for tests).
    func count(_ caller: String) -> Int { open.withLock { $0[caller, default: 0] } }

    /// The waits held now, every caller's (for tests).
    var total: Int { open.withLock { $0.values.reduce(0, +) } }
}
