/// Checkers are pure functions over decoded values: they never see the
/// candidate's process, and their messages never quote a value.
public enum CheckVerdict: Equatable, Sendable {
    case pass
    case fail(String)
}

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
    static func unorderedUnique(got: PyValue, expected: PyValue) -> CheckVerdict {
        guard case .list(let items) = got else { return .fail("returned a \(got.typeName), expected a list") }
        let want = Set(expected.elements ?? [])
        var seen = Set<PyValue>()
        seen.reserveCapacity(items.count)
        for item in items where !seen.insert(item).inserted {
            return .fail("a value appears more than once in the result")
        }
        if seen == want { return .pass }
        if !seen.isSubset(of: want) { return .fail("the result holds values that should not be there") }
        return .fail("the result misses values that should be there")
    }

    /// The same rule over element digests (no decoding): a hundred thousand
    /// elements in a few milliseconds. Digests are `==`-normalised, so `1`
    /// and `True` collide as they should.
    public static func unorderedUnique(got: [ElementDigest], expected: Set<ElementDigest>) -> CheckVerdict {
        var seen = Set<ElementDigest>()
        seen.reserveCapacity(got.count)
        for d in got where !seen.insert(d).inserted {
            return .fail("a value appears more than once in the result")
        }
        if seen == expected { return .pass }
        if !seen.isSubset(of: expected) { return .fail("the result holds values that should not be there") }
        return .fail("the result misses values that should be there")
    }

    /// Numbers are one kind for Python `==`; other types only match themselves.
    private static func sameKind(_ a: PyValue, _ b: PyValue) -> Bool {
        let numbers: Set<String> = ["bool", "int", "float"]
        if numbers.contains(a.typeName) && numbers.contains(b.typeName) { return true }
        return a.typeName == b.typeName
    }
}
