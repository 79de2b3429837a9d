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

    @Test func sha256MatchesTheStandardVector() {
        #expect(Digest.hex(Digest.sha256(Array("abc".utf8))) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        var h = Digest.Hasher()
        h.update("a")
        h.update("bc")
        #expect(Digest.hex(h.finalize()) == Digest.hex(Digest.sha256(Array("abc".utf8))))
    }
}
