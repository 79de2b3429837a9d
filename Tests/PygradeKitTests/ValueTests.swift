import CPygradeSupport
import Testing

@testable import PygradeKit

@Suite("Values: Python equality, codec, digests")
struct ValueTests {
    @Test func numbersCompareAcrossTypesAsInPython() {
        #expect(PyValue.int(1) == .bool(true))
        #expect(PyValue.int(1) == .float(1.0))
        #expect(PyValue.bool(false) == .float(-0.0))
        #expect(PyValue.int(1) != .float(1.5))
        #expect(PyValue.int(9_007_199_254_740_993) != .float(9_007_199_254_740_992.0))
        #expect(PyValue.bigInt("0x10000000000000000") == .float(18_446_744_073_709_551_616.0))
        #expect(PyValue.bigInt("-0x10000000000000000") != .float(18_446_744_073_709_551_616.0))
    }

    @Test func containersFollowPythonRules() {
        #expect(PyValue.list([.int(1)]) != .tuple([.int(1)]))
        #expect(PyValue.set([.int(1), .int(2)]) == .frozenset([.int(2), .int(1)]))
        #expect(
            PyValue.dict([PyPair(.string("a"), .int(1)), PyPair(.string("b"), .int(2))])
                == .dict([PyPair(.string("b"), .int(2)), PyPair(.string("a"), .bool(true))]))
        #expect(PyValue.dict([PyPair(.string("a"), .int(1))]) != .dict([PyPair(.string("a"), .int(2))]))
        #expect(PyValue.str(Array("ab".utf8)) != .bytes(Array("ab".utf8)))
    }

    @Test func stringsCompareByCodePointNotCanonicalEquivalence() {
        // Swift's String would call these equal; Python does not.
        #expect(PyValue.string("\u{e9}") != .string("e\u{301}"))
        #expect(PyValue.string("ß") != .string("ss"))
    }

    @Test func equalValuesHashAlike() {
        let pairs: [(PyValue, PyValue)] = [
            (.int(1), .bool(true)), (.int(3), .float(3.0)), (.set([.int(1), .int(2)]), .frozenset([.int(2), .int(1)])),
            (.tuple([.int(1), .float(2.0)]), .tuple([.bool(true), .int(2)])),
        ]
        for (a, b) in pairs {
            #expect(a == b)
            #expect(a.hashValue == b.hashValue)
        }
        #expect(Set<PyValue>([.int(1), .bool(true), .float(1.0)]).count == 1)
    }

    @Test func codecRoundTripsEveryType() throws {
        let value = PyValue.list([
            .none, .bool(true), .bool(false), .int(0), .int(-1), .int(Int64.max), .int(Int64.min), .bigInt("-0x1f0000000000000000"),
            .float(-0.5), .float(.infinity), .string("héllo 👍🏽"), .bytes([0, 255]), .tuple([]), .set([.int(1)]), .frozenset([]),
            .dict([PyPair(.string("k"), .list([.none]))]),
        ])
        let decoded = try ValueCodec.decode(ValueCodec.encode(value))
        #expect(decoded == value)
        #expect(ValueCodec.encode(decoded) == ValueCodec.encode(value))
    }

    @Test func decoderRefusesMalformedStreams() {
        for bad: [UInt8] in [
            [], [UInt8(ascii: "l"), 2, UInt8(ascii: "N")], [UInt8(ascii: "?")], [UInt8(ascii: "N"), UInt8(ascii: "N")],
            [UInt8(ascii: "s"), 200, 1],
        ] {
            #expect(throws: ValueCodec.DecodeError.self) { try ValueCodec.decode(bad) }
        }
    }

    @Test func decoderHandlesDeepNestingIterativelyAndCapsIt() throws {
        func nested(_ depth: Int) -> [UInt8] {
            Array(repeating: [UInt8(ascii: "l"), 1], count: depth).flatMap { $0 } + [UInt8(ascii: "N")]
        }
        _ = try ValueCodec.decode(nested(ValueCodec.maxDepth))
        // A million levels is refused quickly, without touching the stack.
        #expect(throws: ValueCodec.DecodeError.self) { try ValueCodec.decode(nested(1_000_000)) }
    }

    @Test func valueDigestsMeanPythonEquality() {
        let a = Digest.value(ValueCodec.encode(.list([.bool(true), .float(2.0), .string("x")])))
        let b = Digest.value(ValueCodec.encode(.list([.int(1), .int(2), .string("x")])))
        let c = Digest.value(ValueCodec.encode(.tuple([.int(1), .int(2), .string("x")])))
        let d = Digest.value(ValueCodec.encode(.list([.int(1), .float(2.5), .string("x")])))
        #expect(a != nil && a == b)
        #expect(a != c)
        #expect(a != d)
        #expect(Digest.value(ValueCodec.encode(.list([.dict([])]))) == nil)
    }

    @Test func elementDigestsFollowEquality() throws {
        let got = try #require(Digest.elements(ValueCodec.encode(.list([.int(1), .bool(true), .string("a")]))))
        #expect(got.count == 3)
        #expect(got[0] == got[1])
        #expect(got[0] != got[2])
        #expect(Digest.elements(ValueCodec.encode(.set([.int(1)]))) == nil)
    }

    @Test func integralFloatsOfAnySizeAreTheirInt() {
        let bigFloats: [(Double, String)] = [
            (0x1p63, "0x8000000000000000"), (-0x1p64, "-0x10000000000000000"), (0x1p70, "0x400000000000000000"),
            (1e300, "0x" + "17e43c8800759c" + String(repeating: "0", count: 236)),
        ]
        for (d, hex) in bigFloats {
            #expect(PyValue.float(d) == .bigInt(hex))
            #expect(PyValue.float(d).hashValue == PyValue.bigInt(hex).hashValue)
            let a = Digest.value(ValueCodec.encode(.list([.float(d)])))
            #expect(a != nil && a == Digest.value(ValueCodec.encode(.list([.bigInt(hex)]))))
            #expect(Digest.elements(ValueCodec.encode(.list([.float(d)]))) == Digest.elements(ValueCodec.encode(.list([.bigInt(hex)]))))
        }
        // 2**70 + 1 has no float: the nearest one is another value.
        #expect(PyValue.float(0x1p70) != .bigInt("0x400000000000000001"))
        #expect(Digest.value(ValueCodec.encode(.float(0x1p70))) != Digest.value(ValueCodec.encode(.bigInt("0x400000000000000001"))))
        #expect(PyValue.float(.infinity) != .bigInt("0x1" + String(repeating: "0", count: 256)))
    }

    @Test func aNaNEqualsNothingAndHasNoDigest() {
        let nan = PyValue.list([.float(.nan)])
        #expect(nan != nan)  // one array storage: compared element by element all the same
        #expect(PyValue.tuple([.int(1), .float(.nan)]) != .tuple([.int(1), .float(.nan)]))
        #expect(PyValue.dict([PyPair(.int(1), .float(.nan))]) != .dict([PyPair(.int(1), .float(.nan))]))
        #expect(PyValue.set([.float(.nan)]) != .set([.float(.nan)]))
        var out = [UInt8](repeating: 0, count: 16)
        let encoded = ValueCodec.encode(.list([.int(1), .tuple([.float(.nan)])]))
        #expect(pg_value_digest(encoded, encoded.count, &out) == Int32(PG_DIGEST_NAN))
        #expect(Digest.value(encoded) == nil)
        #expect(Digest.elements(encoded) == nil)
        // The unordered checker: a NaN in the result matches nothing expected.
        #expect(
            Checker.check(.unorderedUnique, got: .list([.float(.nan)]), expected: .list([.float(.nan)]))
                == .fail("the result holds values that should not be there"))
    }

    @Test func aForgedDictRepeatingAKeyIsNotEqual() {
        let genuine = PyValue.dict([PyPair(.int(1), .string("a")), PyPair(.int(2), .string("b"))])
        let forged = PyValue.dict([PyPair(.int(1), .string("a")), PyPair(.int(1), .string("a"))])
        #expect(forged != genuine)
        #expect(genuine != forged)
    }

    /// Every value has one spelling in the stream, so that the digests can
    /// hash it as it stands: both readers refuse any other.
    @Test func bothReadersRefuseNonCanonicalSpellings() {
        let I = UInt8(ascii: "I")
        let bad: [[UInt8]] = [
            [UInt8(ascii: "i"), 0x82, 0x00],  // 1 with a redundant zero group
            [UInt8(ascii: "s"), 0x80, 0x00],  // an empty string's length, likewise
            [UInt8(ascii: "l"), 0x81, 0x00, UInt8(ascii: "N")],
            [UInt8(ascii: "i")] + [UInt8](repeating: 0xff, count: 9) + [0x02],  // past 64 bits
            [I, 4] + Array("0x1f".utf8),  // fits Int64: 'i'
            [I, 18] + Array("0x7fffffffffffffff".utf8),
            [I, 19] + Array("-0x8000000000000000".utf8),
            [I, 19] + Array("0x08000000000000000".utf8),  // a leading zero
            [I, 18] + Array("0X8000000000000000".utf8),
            [I, 18] + Array("0x8000000000000ABC".utf8),
            [I, 19] + Array("+0x8000000000000000".utf8),
            [I, 2] + Array("0x".utf8),
        ]
        var out = [UInt8](repeating: 0, count: 16)
        for b in bad {
            #expect(throws: ValueCodec.DecodeError.self, "\(b)") { try ValueCodec.decode(b) }
            #expect(pg_value_digest(b, b.count, &out) == Int32(PG_DIGEST_MALFORMED), "\(b)")
            #expect(pg_value_validate(b, b.count) == -1, "\(b)")
        }
        let good: [[UInt8]] = [
            [UInt8(ascii: "i"), 0x80, 0x01], [UInt8(ascii: "i")] + [UInt8](repeating: 0xff, count: 9) + [0x01],
            [I, 18] + Array("0x8000000000000000".utf8), [I, 19] + Array("-0x8000000000000001".utf8),
            [I, 19] + Array("0xf".utf8) + [UInt8](repeating: UInt8(ascii: "0"), count: 16),
        ]
        for b in good {
            #expect(throws: Never.self) { try ValueCodec.decode(b) }
            #expect(pg_value_digest(b, b.count, &out) == Int32(PG_DIGEST_OK), "\(b)")
        }
    }

    @Test func sha256MatchesTheStandardVector() {
        #expect(Digest.hex(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var h = Digest.Hasher()
        h.update("a")
        h.update("bc")
        #expect(Digest.hex(h.finalize()) == Digest.hex(Digest.sha256(Array("abc".utf8))))
    }
}
