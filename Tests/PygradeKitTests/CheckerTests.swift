import Testing

@testable import PygradeKit

@Suite("Checkers")
struct CheckerTests {
    @Test func exactUsesPythonEqualityAndNamesTypesNotValues() {
        #expect(Checker.check(.exact, got: .list([.int(1)]), expected: .list([.float(1.0)])) == .pass)
        #expect(Checker.check(.exact, got: .list([.int(2)]), expected: .list([.int(1)])) == .fail("wrong result"))
        #expect(Checker.check(.exact, got: .tuple([.int(1)]), expected: .list([.int(1)])) == .fail("returned a tuple, expected a list"))
        #expect(Checker.check(.exact, got: .int(1), expected: .bool(true)) == .pass)
    }

    @Test func unorderedUniqueWantsAListOfEachValueOnce() {
        let want = PyValue.list([.int(1), .int(2)])
        #expect(Checker.check(.unorderedUnique, got: .list([.int(2), .int(1)]), expected: want) == .pass)
        #expect(Checker.check(.unorderedUnique, got: .set([.int(2), .int(1)]), expected: want) == .fail("returned a set, expected a list"))
        #expect(
            Checker.check(.unorderedUnique, got: .list([.int(1), .int(1), .int(2)]), expected: want)
                == .fail("a value appears more than once in the result"))
        #expect(
            Checker.check(.unorderedUnique, got: .list([.int(1)]), expected: want) == .fail("the result misses values that should be there")
        )
        #expect(
            Checker.check(.unorderedUnique, got: .list([.int(1), .int(2), .int(3)]), expected: want)
                == .fail("the result holds values that should not be there"))
        // 1 and True are one value for Python: reporting both repeats it.
        #expect(Checker.check(.unorderedUnique, got: .list([.int(1), .bool(true), .int(2)]), expected: want) != .pass)
    }

    /// Found by the attacker: `[float("nan")] * 110_000` under the unordered
    /// checker held the grader for minutes (every NaN hashes alike and
    /// equals nothing). A value unequal to itself is refused as it is seen,
    /// nested ones too, in linear time.
    @Test func aResultOfNaNsIsRefusedInLinearTime() {
        let want = PyValue.list((0..<10).map { PyValue.int($0) })
        let clock = ContinuousClock()
        let start = clock.now
        for item in [PyValue.float(.nan), .tuple([.float(.nan)]), .list([.int(1), .float(.nan)])] {
            let got = PyValue.list(Array(repeating: item, count: 110_000))
            #expect(Checker.check(.unorderedUnique, got: got, expected: want) == .fail("the result holds values that should not be there"))
        }
        #expect(clock.now - start < .seconds(5), "\(clock.now - start)")
        // A NaN after good values is refused the same way.
        #expect(
            Checker.check(.unorderedUnique, got: .list([.int(0), .float(.nan)]), expected: want)
                == .fail("the result holds values that should not be there"))
    }

    /// Found by the attacker: a result within its byte limit whose values
    /// cost the grader ~19 times their stream (`[[None]] * k` plus a NaN, so
    /// that no digest spares the decoding) grew it past 800 MiB. A result
    /// is decoded no further than twice the expected value's count of
    /// values (and a few): two values equal by `==` hold as many.
    @Test func aResultIsDecodedNoFurtherThanTheExpectedValuesCount() throws {
        let expected = PyValue.list([.int(1), .int(2)])
        #expect(ValueCodec.valueCount(expected) == 3)
        #expect(ValueCodec.valueCount(.dict([PyPair(.int(1), .list([.none]))])) == 4)
        let bomb = ValueCodec.encode(.list(Array(repeating: .list([.none]), count: 1000) + [.float(.nan)]))
        #expect(try ValueCodec.decode(bomb, maxValues: 3) == nil)
        #expect(Checker.decodedValues(expected) == 22)
        #expect(try ValueCodec.decode(ValueCodec.encode(expected), maxValues: 3) == expected)
        #expect(Checker.check(.exact, encoded: bomb, expected: expected, expectedElements: nil) == .fail("wrong result"))
        #expect(
            Checker.check(.unorderedUnique, encoded: bomb, expected: expected, expectedElements: nil)
                == .fail("the result holds values that should not be there"))
        let tupleBomb = ValueCodec.encode(.tuple(Array(repeating: .none, count: 1000)))
        #expect(
            Checker.check(.exact, encoded: tupleBomb, expected: expected, expectedElements: nil)
                == .fail("returned a tuple, expected a list"))
        #expect(
            Checker.check(.unorderedUnique, encoded: tupleBomb, expected: expected, expectedElements: nil)
                == .fail("returned a tuple, expected a list"))
        for kind in [CheckerKind.exact, .unorderedUnique] {
            #expect(
                Checker.check(kind, encoded: ValueCodec.encode(.list([.int(2), .int(1)])), expected: expected, expectedElements: nil)
                    == (kind == .exact ? .fail("wrong result") : .pass))
        }
        // Malformed is still malformed.
        #expect(throws: ValueCodec.DecodeError.self) { try ValueCodec.decode([UInt8(ascii: "l"), 5], maxValues: 100) }
    }

    @Test func digestPathAgreesWithDecodedPath() throws {
        let want = try #require(Digest.elements(ValueCodec.encode(.list([.int(1), .string("a")]))))
        let cases: [PyValue] = [
            .list([.string("a"), .bool(true)]), .list([.int(1)]), .list([.int(1), .int(1), .string("a")]),
            .list([.int(1), .string("a"), .none]), .list([]), .list([.string("a"), .none]), .list([.float(1.0), .string("a")]),
        ]
        for got in cases {
            let fast = Checker.unorderedUnique(
                got: try #require(Digest.elements(ValueCodec.encode(got))), expected: Checker.sortedUnique(want))
            let slow = Checker.check(.unorderedUnique, got: got, expected: .list([.int(1), .string("a")]))
            #expect(fast == slow)
        }
    }
}
