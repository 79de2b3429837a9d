/// Checkers are pure functions over decoded values: they never see the
/// candidate's process, and their messages never quote a value.
public enum CheckVerdict: Equatable, Sendable {
    case pass
    case fail(String)
}

/// The comparisons of a result against the reference's, by the exercise's
/// checker; the fast paths take a result as it arrived (a digest, or the
/// encoded value) and decode it only when they must.
public enum Checker {
    public static func check(_ kind: CheckerKind, got: PyValue, expected: PyValue) -> CheckVerdict {
        switch kind {
        case .exact: exact(got: got, expected: expected)
        case .unorderedUnique: unorderedUnique(got: got, expected: expected)
        }
    }

    static func exact(got: PyValue, expected: PyValue) -> CheckVerdict {
        if got == expected { return .pass }
        if sameKind(got, expected) { return .fail("wrong result") }
        return .fail("returned a \(got.typeName), expected a \(expected.typeName)")
    }

    /// A list holding every expected value exactly once, in any order.
    ///
    /// A value that is not equal to itself (a NaN, anywhere in it) equals no
    /// expected value: it is refused before it goes in the set. Every NaN
    /// hashes alike and equals nothing, so a result of a hundred thousand of
    /// them would otherwise cost n²/2 comparisons here, in the grader, after
    /// the job and outside its limits.
    static func unorderedUnique(got: PyValue, expected: PyValue) -> CheckVerdict {
        guard case .list(let items) = got else { return .fail("returned a \(got.typeName), expected a list") }
        let want = Set(expected.elements ?? [])
        var seen = Set<PyValue>()
        seen.reserveCapacity(items.count)
        for item in items {
            if item != item { return .fail("the result holds values that should not be there") }
            if !seen.insert(item).inserted { return .fail("a value appears more than once in the result") }
        }
        if seen == want { return .pass }
        if !seen.isSubset(of: want) { return .fail("the result holds values that should not be there") }
        return .fail("the result misses values that should be there")
    }

    /// The same rule over element digests (no decoding). Digests are
    /// `==`-normalised, so `1` and `True` collide as they should. `expected`
    /// is sorted and free of repeats (`sortedUnique`); sorting beats hashing
    /// here: a hundred thousand 16-byte digests sort in a few milliseconds.
    public static func unorderedUnique(got: [ElementDigest], expected: [ElementDigest]) -> CheckVerdict {
        let sorted = got.sorted()
        for i in sorted.indices.dropFirst() where sorted[i] == sorted[i - 1] {
            return .fail("a value appears more than once in the result")
        }
        if sorted == expected { return .pass }
        // Every element of the result in the expected ones (a merge walk)?
        var j = 0
        for d in sorted {
            while j < expected.count && expected[j] < d { j += 1 }
            if j == expected.count || expected[j] != d { return .fail("the result holds values that should not be there") }
        }
        return .fail("the result misses values that should be there")
    }

    /// Sorted and without repeats: the form `unorderedUnique` expects.
    public static func sortedUnique(_ digests: [ElementDigest]) -> [ElementDigest] {
        var out = digests.sorted()
        var w = 0
        for i in out.indices where i == 0 || out[i] != out[i - 1] {
            out[w] = out[i]
            w += 1
        }
        out.removeLast(out.count - w)
        return out
    }

    // MARK: Fast paths: a result as it arrived

    /// A large exact result, sent as its `==`-digest (hex) in place of the
    /// value: right when it is the reference value's digest. Without either
    /// digest, wrong.
    static func check(digest: String?, expected: [UInt8]?) -> CheckVerdict {
        digest != nil && expected.map(Digest.hex) == digest ? .pass : .fail("wrong result")
    }

    /// An encoded result: for the unordered checker, by its element digests
    /// against the reference's (`expectedElements`) when both have them (no
    /// decoding); otherwise decoded and checked.
    static func check(_ kind: CheckerKind, encoded: [UInt8], expected: PyValue, expectedElements: [ElementDigest]?) -> CheckVerdict {
        if kind == .unorderedUnique, let want = expectedElements, let have = Digest.elements(encoded) {
            return unorderedUnique(got: have, expected: want)
        }
        let decoded: PyValue?
        do { decoded = try ValueCodec.decode(encoded, maxValues: decodedValues(expected)) } catch {
            return .fail("the result is \(error)")
        }
        guard let got = decoded else { return tooMany(kind, encoded: encoded, expected: expected) }
        return check(kind, got: got, expected: expected)
    }

    /// The most values of a result decoded: twice the expected value's and a
    /// few (two values equal by `==` hold as many values each, so a result
    /// past this is no answer; within it, the checker says how it differs:
    /// a value too many, a repeat). The grader's memory for a result stays
    /// within twice the reference's.
    static func decodedValues(_ expected: PyValue) -> Int { 2 * ValueCodec.valueCount(expected) + 16 }

    /// A result with more values than `decodedValues`: not equal, whatever
    /// they are. Worded by its type as far as its first bytes say.
    private static func tooMany(_ kind: CheckerKind, encoded: [UInt8], expected: PyValue) -> CheckVerdict {
        let top = ValueCodec.decodePrefix(Array(encoded.prefix(16)))?.value
        switch kind {
        case .exact:
            if let top, !sameKind(top, expected) { return .fail("returned a \(top.typeName), expected a \(expected.typeName)") }
            return .fail("wrong result")
        case .unorderedUnique:
            if let top, !isList(top) { return .fail("returned a \(top.typeName), expected a list") }
            return .fail("the result holds values that should not be there")
        }
    }

    private static func isList(_ v: PyValue) -> Bool {
        if case .list = v { return true }
        return false
    }

    /// Numbers are one kind for Python `==`; other types only match themselves.
    private static func sameKind(_ a: PyValue, _ b: PyValue) -> Bool {
        let numbers: Set<String> = ["bool", "int", "float"]
        if numbers.contains(a.typeName) && numbers.contains(b.typeName) { return true }
        return a.typeName == b.typeName
    }
}
