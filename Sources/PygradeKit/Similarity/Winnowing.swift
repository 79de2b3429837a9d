/// Winnowing (Schleimer, Wilkerson and Aiken, 2003; what MOSS and Dolos
/// use): hash every run of `k` tokens, and keep in each window of `w`
/// consecutive hashes the smallest. Two files that share a run of at least
/// `k + w - 1` tokens share a kept hash, whatever surrounds it, so moved
/// functions and added code leave the rest of a copy's fingerprints intact.
public struct Winnowing: Sendable {
    /// Tokens per hashed run: about a line and a half of Python. The
    /// answers are short, so a longer run would leave a function of a few
    /// lines with no fingerprint at all, and a shorter one would match the
    /// idioms every answer has (`for x in lst: if x in seen:`).
    public static let k = 12
    /// Hashes per window: any run of 19 shared tokens is found.
    public static let w = 8

    /// One kept hash and the first token of its run.
    public struct Fingerprint: Sendable, Equatable {
        public var hash: UInt64
        public var token: Int
    }

    /// The hash of every run of `k` symbols, in order (none when there are
    /// fewer than `k`).
    public static func hashes(_ symbols: [UInt64], k: Int = k) -> [UInt64] {
        guard symbols.count >= k else { return [] }
        let base: UInt64 = 0x0000_0100_0000_01b3
        var top: UInt64 = 1
        for _ in 1..<k { top = top &* base }
        var hashes: [UInt64] = []
        hashes.reserveCapacity(symbols.count - k + 1)
        var h: UInt64 = 0
        for j in 0..<k { h = h &* base &+ symbols[j] }
        hashes.append(mix(h))
        for i in stride(from: 1, through: symbols.count - k, by: 1) {
            h = (h &- symbols[i - 1] &* top) &* base &+ symbols[i + k - 1]
            hashes.append(mix(h))
        }
        return hashes
    }

    /// The fingerprints kept of `hashes`: the rightmost smallest of each
    /// window, each once, in order.
    public static func winnow(_ hashes: [UInt64], w: Int = w) -> [Fingerprint] {
        guard !hashes.isEmpty else { return [] }
        var kept: [Fingerprint] = []
        var last = -1
        for start in 0..<max(1, hashes.count - w + 1) {
            let end = min(start + w, hashes.count)
            var best = start
            for j in start..<end where hashes[j] <= hashes[best] { best = j }
            if best != last {
                kept.append(Fingerprint(hash: hashes[best], token: best))
                last = best
            }
        }
        return kept
    }

    /// A rolling polynomial hash's low bits are poor: spread them, so the
    /// smallest of a window is a fair pick (splitmix64's finaliser).
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
