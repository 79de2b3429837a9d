import Foundation

/// Which candidates handed in the same answer, and which handed in a known
/// public one: every submission fingerprinted (PythonTokens, Winnowing),
/// what every candidate shares taken away, and every pair that shares what
/// is left, ranked by the share.
///
/// Taken away, as MOSS and Dolos do: the fingerprints of the exercises'
/// starter code and references (what every answer is built from or may
/// resemble), and those found in more than half of the batch (the idioms
/// of the exercise itself). The latter needs at least three candidates to
/// hold a fingerprint: in a batch of two or three, more than half would be
/// the pair this is looking for.
public struct Similarity: Sendable {
    /// One submission as compared: its text (a folder's files joined, in
    /// name order) and its fingerprints.
    public struct Document: Sendable {
        public var name: String
        public var text: [UInt8]
        /// A known public answer (`--known`), not a candidate.
        public var isKnown: Bool
        let tokens: [PythonTokens.Token]
        /// The hash of every run of `Winnowing.k` tokens (where they match
        /// is what the HTML marks), and those winnowing kept (what is compared).
        let grams: [UInt64]
        let fingerprints: [Winnowing.Fingerprint]

        public init(name: String, text: [UInt8], isKnown: Bool = false) {
            self.name = name
            self.text = text
            self.isKnown = isKnown
            tokens = PythonTokens(text).tokens
            grams = Winnowing.hashes(tokens.map(\.symbol))
            fingerprints = Winnowing.winnow(grams)
        }

        /// A submission's graded files, joined in name order.
        public init(name: String, submission: Submission, isKnown: Bool = false) {
            var text: [UInt8] = []
            for file in submission.files.keys.sorted() {
                if submission.isFolder { text += Array("# \(file)\n".utf8) }
                text += submission.files[file]!
                if text.last != 0x0A { text.append(0x0A) }
            }
            self.init(name: name, text: text, isKnown: isKnown)
        }
    }

    /// Two documents that share fingerprints: `a` is a candidate, `b` a
    /// candidate after it or a known answer.
    public struct Pair: Sendable, Equatable {
        public var a: Int
        public var b: Int
        /// Fingerprints both have (after what is taken away).
        public var shared: Int
        /// `shared` over the fingerprints of the one that has fewer: a copy
        /// with code added scores as its original does.
        public var fraction: Double
    }

    public let documents: [Document]
    /// Each document's fingerprints, after what is taken away.
    public let kept: [Set<UInt64>]
    /// Every pair sharing a fingerprint, the largest share first.
    public let pairs: [Pair]
    /// Fingerprints taken away for being in more than half of the batch.
    public let commonCount: Int
    /// Every hash taken away: the base's runs and the common fingerprints.
    let ignored: Set<UInt64>

    /// Up to this many documents, pairs are counted in an n×n array.
    static let flatCountLimit = 3000

    /// `base`: what every candidate starts from (starter code, references).
    public init(candidates: [Document], known: [Document] = [], base: [[UInt8]] = []) {
        documents =
            candidates
            + known.map {
                var d = $0
                d.isKnown = true
                return d
            }
        // Every run of the base, not only those winnowing would keep: a
        // candidate's copy of the starter winnows differently at its edges.
        var removed = Set<UInt64>()
        for source in base { removed.formUnion(Winnowing.hashes(PythonTokens(source).tokens.map(\.symbol))) }
        var frequency: [UInt64: Int] = [:]
        let sets = documents.map { Set($0.fingerprints.map(\.hash)).subtracting(removed) }
        for set in sets.prefix(candidates.count) { for h in set { frequency[h, default: 0] += 1 } }
        let limit = max(candidates.count / 2, 2)
        let common = Set(frequency.filter { $0.value > limit }.keys)
        commonCount = common.count
        ignored = removed.union(common)
        kept = sets.map { $0.subtracting(common) }

        // Which documents hold each fingerprint, then every pair of them:
        // counted in a flat triangle-free square while it is small (a
        // thousand candidates: 4 MB, and several times faster than a
        // dictionary, since an idiom a sixth of a batch shares makes
        // thousands of pairs), else in a dictionary.
        var holders: [UInt64: [Int32]] = [:]
        for (i, set) in kept.enumerated() { for h in set { holders[h, default: []].append(Int32(i)) } }
        let n = documents.count
        let flat = n <= Self.flatCountLimit
        var square = [Int32](repeating: 0, count: flat ? n * n : 0)
        var sparse: [Int: Int] = [:]
        for list in holders.values where list.count > 1 {
            for x in 0..<list.count {
                let a = Int(list[x])
                guard a < candidates.count else { continue }
                for y in (x + 1)..<list.count {
                    if flat { square[a * n + Int(list[y])] += 1 } else { sparse[a * n + Int(list[y]), default: 0] += 1 }
                }
            }
        }
        let counted: [(key: Int, shared: Int)] =
            flat
            ? square.enumerated().compactMap { $0.element > 0 ? ($0.offset, Int($0.element)) : nil } : sparse.map { ($0.key, $0.value) }
        let sizes = kept.map(\.count)
        var pairs = counted.map { key, shared in
            let (a, b) = (key / n, key % n)
            let smaller = min(sizes[a], sizes[b])
            return Pair(a: a, b: b, shared: shared, fraction: smaller > 0 ? Double(shared) / Double(smaller) : 0)
        }
        pairs.sort { ($0.fraction, $0.shared, -$0.a, -$0.b) > ($1.fraction, $1.shared, -$1.a, -$1.b) }
        self.pairs = pairs
    }

    /// The pairs of two candidates at or above `threshold` (a fraction).
    public func candidatePairs(atLeast threshold: Double) -> [Pair] {
        pairs.filter { $0.fraction >= threshold && !documents[$0.b].isKnown }
    }

    /// The candidates that match a known answer at or above `threshold`.
    public func knownMatches(atLeast threshold: Double) -> [Pair] {
        pairs.filter { $0.fraction >= threshold && documents[$0.b].isKnown }
    }

    /// Where each of the pair's documents has what they share: byte ranges
    /// of its text, in order, overlapping runs merged. Every run of `k`
    /// tokens the other has too is marked (not only the fingerprints kept),
    /// but for what is taken away.
    public func spans(_ pair: Pair) -> (a: [Range<Int>], b: [Range<Int>]) {
        let da = documents[pair.a]
        let db = documents[pair.b]
        let both = Set(da.grams).intersection(db.grams).subtracting(ignored)
        func ranges(_ d: Document) -> [Range<Int>] {
            var out: [Range<Int>] = []
            for (i, h) in d.grams.enumerated() where both.contains(h) {
                let r = d.tokens[i].start..<d.tokens[i + Winnowing.k - 1].end
                if let last = out.last, r.lowerBound <= last.upperBound {
                    out[out.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
                } else {
                    out.append(r)
                }
            }
            // A run may begin or end at a line's end: the mark does not.
            return out.compactMap { r in
                var (lo, hi) = (r.lowerBound, r.upperBound)
                while lo < hi && (d.text[lo] == 0x0A || d.text[lo] == 0x0D) { lo += 1 }
                while hi > lo && (d.text[hi - 1] == 0x0A || d.text[hi - 1] == 0x0D) { hi -= 1 }
                return lo < hi ? lo..<hi : nil
            }
        }
        return (ranges(da), ranges(db))
    }

    /// A percentage as the reports show it.
    public static func percent(_ fraction: Double) -> String { String(format: "%.0f%%", fraction * 100) }
}
