import Foundation
import Synchronization

/// A token bucket per key: `ratePerMinute` tokens at most, refilled evenly,
/// one taken per request. In memory, per API node: a second node behind the
/// same balancer gives a key its own bucket (said in docs/service.md).
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: Double
    }
    private let buckets = Mutex<[String: Bucket]>([:])
    private let now: @Sendable () -> Double

    init(now: @escaping @Sendable () -> Double = { ProcessInfo.processInfo.systemUptime }) {
        self.now = now
    }

    /// Takes a token from `key`'s bucket: nil when there was one, else the
    /// seconds until there will be.
    func take(key: String, ratePerMinute: Int) -> Double? {
        let capacity = Double(max(ratePerMinute, 1))
        let perSecond = capacity / 60
        let t = now()
        return buckets.withLock { buckets in
            var b = buckets[key] ?? Bucket(tokens: capacity, updated: t)
            b.tokens = min(capacity, b.tokens + (t - b.updated) * perSecond)
            b.updated = t
            defer { buckets[key] = b }
            if b.tokens >= 1 {
                b.tokens -= 1
                return nil
            }
            return (1 - b.tokens) / perSecond
        }
    }
}
