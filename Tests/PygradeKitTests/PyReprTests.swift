import Foundation
import TestSupport
import Testing

@testable import PygradeKit

/// What a report shows of a visible test's values is Python's repr(),
/// written by pygrade from the value stream: python3 says what it must be.
@Suite("PyRepr: Python's repr, written by pygrade")
struct PyReprTests {
    /// python3 evaluates each value, encodes it as encoder.c does, and gives
    /// its repr().
    static func pythonTable() throws -> [(stream: [UInt8], repr: String, label: String)] {
        try Python3.rows(of: script, width: 3).map { r in
            (try EqualityTests.hex(r[0]), r[1], r[2])
        }
    }

    @Test func everyValueIsWrittenAsPythonWritesIt() throws {
        let table = try Self.pythonTable()
        #expect(table.count > 3000)
        var mismatches: [String] = []
        for (stream, repr, label) in table {
            let value = try ValueCodec.decode(stream)
            let mine = PyRepr.of(value, limit: 1 << 20)
            if mine != repr { mismatches.append("\(label): python \(repr.debugDescription), pygrade \(mine.debugDescription)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) disagreements:\n\(mismatches.prefix(30).joined(separator: "\n"))")
    }

    /// Nothing in a repr acts on a terminal: every control character, ANSI
    /// escape, bidi override and line separator comes out as an escape.
    @Test func controlCharactersAndEscapeSequencesComeOutEscaped() {
        let hostile = "\u{1B}[2J\u{1B}]0;pwned\u{07}\r\u{9B}31m\u{202E}\u{2028}\u{0}"
        let text = PyRepr.of(.string(hostile))
        #expect(text == #"'\x1b[2J\x1b]0;pwned\x07\r\x9b31m\u202e\u2028\x00'"#)
        #expect(!text.unicodeScalars.contains { TerminalText.isControl($0) || $0.value == 0x202E || $0.value == 0x2028 })
        // A lone surrogate, as "surrogatepass" carries it, and bytes that are
        // no UTF-8 at all (a forged stream): escaped, and no crash.
        #expect(PyRepr.of(.str([0xED, 0xA0, 0x80])) == #"'\ud800'"#)
        #expect(PyRepr.of(.str([0x61, 0xFF, 0x62])) == "'a\u{FFFD}b'")
    }

    /// Past the limit, a mark says how much more there was; a piece (a
    /// number, an escape) is never cut in two.
    @Test func aLongValueIsCutWithAMarkSayingHowMuchIsLeft() {
        let long = PyValue.list((0..<1000).map { .int(Int64($0)) })
        let full = PyRepr.of(long, limit: 1 << 20)
        let cut = PyRepr.of(long, limit: 50)
        let shown = String(cut.prefix { $0 != "…" })
        #expect(full.hasPrefix(shown) && shown.count <= 50 && shown.last?.isNumber == true, "\(cut)")
        #expect(cut == shown + "…(\(full.count - shown.count) more characters)")
        #expect(PyRepr.of(.string("\u{1B}\u{1B}"), limit: 8) == #"'\x1b…(5 more characters)"#)
        #expect(PyRepr.of(.string("ab"), limit: 3) == "'ab…(1 more character)")
        // Counting stops somewhere: a huge value says "at least".
        let huge = PyRepr.of(.list(Array(repeating: .int(7), count: 200_000)))
        #expect(huge.hasSuffix(" more characters)") && huge.contains("…(at least "), "\(huge.suffix(60))")
        // A value known to go on (a prefix) never claims an exact count.
        #expect(PyRepr.of(long, limit: 50, cut: true).contains("…(at least "))
    }

    @Test func callsAreWrittenAsPythonCallsThem() {
        #expect(
            PyRepr.call("f", arguments: [.list([.int(1), .int(2)]), .string("x")], keywords: [PyPair(.string("key"), .none)])
                == "f([1, 2], 'x', key=None)")
        #expect(PyRepr.call("probe", arguments: [.int(200)], keywords: [], first: "simple_cache") == "probe(simple_cache, 200)")
        #expect(PyRepr.call("f", arguments: [], keywords: []) == "f()")
        // A cut call has no closing parenthesis, only the mark.
        #expect(PyRepr.call("f", arguments: [.int(1)], keywords: [], cut: true) == "f(1…(cut)")
    }

    @Test func intsPastPythonsDecimalLimitAreWrittenInHex() {
        let hex = "0x" + String(repeating: "f", count: 4000)
        #expect(PyRepr.of(.bigInt(hex), limit: 1 << 20) == hex)
        #expect(PyRepr.of(.bigInt("-0x10000000000000000")) == "-18446744073709551616")
    }

    /// The start of a stream decodes to what arrived whole: open containers
    /// closed, a string cut at a character, and `cut` set.
    @Test func aPrefixOfAStreamDecodesToWhatArrived() throws {
        let value = PyValue.tuple([
            .tuple([.list((0..<100).map { .int(Int64($0)) }), .string("é" + String(repeating: "é", count: 50))]),
            .dict([PyPair(.string("k"), .int(1))]),
        ])
        let stream = ValueCodec.encode(value)
        let whole = try #require(ValueCodec.decodePrefix(stream))
        #expect(!whole.cut && whole.value == value)
        let start = try #require(ValueCodec.decodePrefix(Array(stream.prefix(60))))
        #expect(start.cut)
        guard case .tuple(let both) = start.value, case .tuple(let args)? = both.first, case .list(let items)? = args.first else {
            Issue.record("\(start.value)")
            return
        }
        #expect(both.count == 1 && args.count == 1 && items.count > 20 && items.count < 100)
        #expect(items.enumerated().allSatisfy { $0.element == .int(Int64($0.offset)) })
        // Cut inside a two-byte character: the character is dropped.
        let text = ValueCodec.encode(.string("ab" + String(repeating: "é", count: 10)))
        let cutText = try #require(ValueCodec.decodePrefix(Array(text.prefix(text.count - 3))))
        #expect(cutText.cut && cutText.value == .string("ab" + String(repeating: "é", count: 8)))
        // The strict decoder still refuses a prefix.
        #expect(throws: ValueCodec.DecodeError.self) { try ValueCodec.decode(Array(stream.prefix(60))) }
    }

    static let script = #"""
        import json, math, random, struct, sys

        \#(ValueStreamPython.encoder)

        values = [
            None, True, False, 0, 1, -1, 2**63 - 1, -2**63, 2**63, -2**63 - 1, 2**70, -(2**200), 10**4299, 10**4300 - 1,
            -(10**4300 - 1),
            0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1 / 3, 100.0, 1e15, 1e16, 1.5e16, 1e22, 1e-4, 1e-5, 0.000123, 123456789.123,
            1.5e300, 5e-324, 2.0**53, 9007199254740993.0, 1e100, float("inf"), float("-inf"), float("nan"),
            "", "'", '"', "'\"", "a\\b", "\t\n\r\x00\x1b[31m\x7f\x80\x85\x9f\xa0\xad",
            "\u200e\u202e\u2028\u2029\u3000\ue000\ufeff\uffff", "\ud800\udfff", "é e\u0301 ß 中文 😀 \U0010ffff \U000e0001 \U0001f600",
            "".join(chr(c) for c in range(0x300)), "\u0378\u0530\ufdd0\U000f0000",
            bytes(range(256)), b"'", b'"', b"'\"", b"",
            [], (), (1,), (1, 2), [1, (2,), {3: [4]}], set(), frozenset(), {1, 2, 3}, frozenset({"a"}), {}, {"a": [1, {"b": None}]},
            {(1, 2): frozenset({3})}, [[[[]]]], ((),), [set(), frozenset({()})], {"k": b"v", 2.5: -0.0, None: True},
        ]
        rng = random.Random(7)
        for _ in range(2500):
            d = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
            if math.isfinite(d):
                values.append(d)
        for _ in range(500):
            values.append(round(rng.uniform(-1e6, 1e6), rng.randrange(0, 8)))
            values.append(rng.randrange(-10**6, 10**6) * 10.0 ** rng.randrange(-30, 30))

        rows = []
        for i, v in enumerate(values):
            rows.append([enc(v, bytearray()).hex(), repr(v), f"value {i}"])
        json.dump(rows, sys.stdout)
        """#
}
