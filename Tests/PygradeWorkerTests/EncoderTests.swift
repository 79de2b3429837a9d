import CJobChild
import CPygradeSupport
import CPython
import Testing

/// The value encoder (encoder.c) on values built in Python: the bytes of
/// the value stream (its format: CPygradeSupport.h), and what it refuses.
@Suite("C value encoder")
struct EncoderTests {
    struct Encoded {
        let code: Int
        let bytes: [UInt8]
        let why: String
    }

    /// The stream of the value of `expression` (after `setup`).
    static func encode(_ expression: String, setup: String = "", limit: Int = 1 << 20) -> Encoded {
        EmbeddedPython.run { py in
            py.exec(setup + "\nvalue = " + expression)
            var buf = pg_buf()
            buf.limit = limit
            var why = [CChar](repeating: 0, count: 256)
            let code = pg_encode(py["value"], &buf, &why, why.count)
            defer { pg_buf_free(&buf) }
            return Encoded(
                code: Int(code), bytes: Array(UnsafeBufferPointer(start: buf.data, count: buf.len)),
                why: String(decoding: why.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
    }

    static func bytes(_ expression: String, setup: String = "") -> [UInt8] {
        let e = encode(expression, setup: setup)
        #expect(e.code == PG_ENC_OK, "\(expression): \(e.why)")
        return e.bytes
    }

    static func tag(_ t: Int) -> UInt8 { UInt8(t) }

    @Test func smallIntsAreZigzagVarints() {
        let i = Self.tag(PGV_INT)
        #expect(Self.bytes("0") == [i, 0x00])
        #expect(Self.bytes("1") == [i, 0x02])
        #expect(Self.bytes("-1") == [i, 0x01])
        #expect(Self.bytes("63") == [i, 0x7e])
        #expect(Self.bytes("64") == [i, 0x80, 0x01])
        #expect(Self.bytes("-65") == [i, 0x81, 0x01])
        #expect(Self.bytes("2**70") == [Self.tag(PGV_BIGINT), 20] + Array("0x400000000000000000".utf8))
    }

    @Test func constantsAndFloats() {
        #expect(Self.bytes("None") == [Self.tag(PGV_NONE)])
        #expect(Self.bytes("True") == [Self.tag(PGV_TRUE)])
        #expect(Self.bytes("False") == [Self.tag(PGV_FALSE)])
        // 1.5 is 0x3FF8000000000000, little-endian.
        #expect(Self.bytes("1.5") == [Self.tag(PGV_FLOAT), 0, 0, 0, 0, 0, 0, 0xf8, 0x3f])
    }

    @Test func stringsAreUTF8WithTheirLength() {
        #expect(Self.bytes("'h\\u00e9'") == [Self.tag(PGV_STR), 3, 0x68, 0xc3, 0xa9])
        #expect(Self.bytes("''") == [Self.tag(PGV_STR), 0])
        #expect(Self.bytes("b'\\x00a'") == [Self.tag(PGV_BYTES), 2, 0, 0x61])
    }

    @Test func listsTuplesAndDictsInOrder() {
        let (i, s) = (Self.tag(PGV_INT), Self.tag(PGV_STR))
        #expect(Self.bytes("[1, 'a']") == [Self.tag(PGV_LIST), 2, i, 2, s, 1, 0x61])
        #expect(Self.bytes("(1, [])") == [Self.tag(PGV_TUPLE), 2, i, 2, Self.tag(PGV_LIST), 0])
        // Insertion order: key, value, key, value.
        #expect(Self.bytes("{'b': 1, 'a': 2}") == [Self.tag(PGV_DICT), 2, s, 1, 0x62, i, 2, s, 1, 0x61, i, 4])
        #expect(Self.bytes("[{}, {}]") == [Self.tag(PGV_LIST), 2, Self.tag(PGV_DICT), 0, Self.tag(PGV_DICT), 0])
    }

    @Test func setsInTheirOwnIterationOrder() {
        // The order Python iterates (and repr shows) a set in, whatever the
        // string hashes of this process: the set's items encoded one by one.
        let setup = "items = {'pear', 'apple', 'fig', 'kiwi', 'plum'}\nordered = list(items)"
        let set = Self.bytes("items", setup: setup)
        let list = Self.bytes("ordered", setup: setup)
        #expect(set.first == Self.tag(PGV_SET))
        #expect(Array(set.dropFirst()) == Array(list.dropFirst()))
        let frozen = Self.bytes("frozenset(items)", setup: setup)
        #expect(frozen.first == Self.tag(PGV_FROZENSET))
    }

    @Test func aUserClassIsNotPlainAndIsNamed() {
        let setup = "class Point:\n    pass\nclass Items(list):\n    pass"
        let point = Self.encode("[1, Point()]", setup: setup)
        #expect(point.code == PG_ENC_NOT_PLAIN)
        #expect(point.why == "Point")
        // A subclass of a plain type is not plain either: its methods are the candidate's.
        let items = Self.encode("Items([1])", setup: setup)
        #expect(items.code == PG_ENC_NOT_PLAIN)
        #expect(items.why == "Items")
    }

    @Test func aValueOverTheLimitIsTooLarge() {
        #expect(Self.encode("'x' * 100", limit: 50).code == PG_ENC_TOO_LARGE)
        #expect(Self.encode("'x' * 10", limit: 50).code == PG_ENC_OK)
    }
}
