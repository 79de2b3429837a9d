import CPygradeSupport

/// SHA-256 helpers over the C implementation that the job child uses too.
public enum Digest {
    public static func sha256(_ bytes: some Collection<UInt8>) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        let array = Array(bytes)
        array.withUnsafeBytes { raw in
            pg_sha256(raw.baseAddress, raw.count, &out)
        }
        return out
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var s = [UInt8]()
        s.reserveCapacity(bytes.count * 2)
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return String(decoding: s, as: UTF8.self)
    }

    /// The digest under which a value stream compares by Python `==`, or nil
    /// when the value holds a dict or set (no canonical order) or a NaN
    /// (equal to nothing): compare decoded values instead.
    public static func value(_ encoded: [UInt8]) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: 16)
        let rc = encoded.withUnsafeBufferPointer { buf in
            pg_value_digest(buf.baseAddress, buf.count, &out)
        }
        return rc == Int32(PG_DIGEST_OK) ? out : nil
    }

    /// For an encoded list: each element's `==`-digest, or nil when the value
    /// is not a list or an element holds a dict, a set or a NaN.
    public static func elements(_ encoded: [UInt8]) -> [ElementDigest]? {
        // The list's count, from its header: room for exactly that many.
        guard encoded.first == UInt8(ascii: "l") else { return nil }
        var count = 0
        var shift = 0
        for b in encoded.dropFirst().prefix(9) {
            count |= Int(b & 0x7f) << shift
            shift += 7
            if b & 0x80 == 0 { break }
        }
        guard count >= 0, count <= encoded.count else { return nil }
        var out = [UInt8](repeating: 0, count: max(1, count) * 16)
        let n = encoded.withUnsafeBufferPointer { buf in
            out.withUnsafeMutableBufferPointer { pg_list_element_digests(buf.baseAddress, buf.count, $0.baseAddress, count) }
        }
        guard n >= 0 else { return nil }
        return out.withUnsafeBytes { raw in
            (0..<n).map { i in
                ElementDigest(
                    hi: raw.loadUnaligned(fromByteOffset: 16 * i, as: UInt64.self),
                    lo: raw.loadUnaligned(fromByteOffset: 16 * i + 8, as: UInt64.self))
            }
        }
    }

    /// Incremental hashing, for hashing an exercise folder file by file.
    public struct Hasher {
        private var ctx = pg_sha256_ctx()
        public init() { pg_sha256_init(&ctx) }
        public mutating func update(_ bytes: some Collection<UInt8>) {
            let array = Array(bytes)
            array.withUnsafeBytes { pg_sha256_update(&ctx, $0.baseAddress, $0.count) }
        }
        public mutating func update(_ s: String) { update(Array(s.utf8)) }
        public mutating func finalize() -> [UInt8] {
            var out = [UInt8](repeating: 0, count: 32)
            pg_sha256_final(&ctx, &out)
            return out
        }
    }
}

/// One list element's `==`-digest.
public struct ElementDigest: Hashable, Comparable, Sendable {
    public var hi: UInt64
    public var lo: UInt64

    public static func < (a: ElementDigest, b: ElementDigest) -> Bool { (a.hi, a.lo) < (b.hi, b.lo) }
}
