/// A plain Python value as it left a job child (see `ValueCodec`).
///
/// Equality is Python's `==` between two freshly decoded values
/// (docs/equality.md): `True == 1 == 1.0`, `2**70 == 2.0**70 != 2**70 + 1`,
/// `-0.0 == 0`, `{1} == frozenset({1})`, `[1] != (1,)`, a NaN equals nothing
/// (not even itself, nor a container holding it), and strings compare by
/// code point (not by Swift's canonical equivalence, under which "é" and
/// "e\u{301}" would be equal). The value digests of `value_digest.c` follow
/// the same rule; `EqualityTests` holds them to it against python3.
public indirect enum PyValue: Sendable {
    case none
    case bool(Bool)
    case int(Int64)
    /// An int outside Int64, as Python's `hex()` spells it
    /// ("-0x8000000000000001"): the decoder refuses any other spelling, so
    /// each int has one form (an int that fits is always `.int`).
    case bigInt(String)
    case float(Double)
    /// UTF-8 bytes (lone surrogates kept as "surrogatepass").
    case str([UInt8])
    case bytes([UInt8])
    case list([PyValue])
    case tuple([PyValue])
    case set([PyValue])
    case frozenset([PyValue])
    case dict([PyPair])

    public static func string(_ s: String) -> PyValue { .str(Array(s.utf8)) }

    /// The Python type name, for messages that must not reveal values.
    public var typeName: String {
        switch self {
        case .none: "NoneType"
        case .bool: "bool"
        case .int, .bigInt: "int"
        case .float: "float"
        case .str: "str"
        case .bytes: "bytes"
        case .list: "list"
        case .tuple: "tuple"
        case .set: "set"
        case .frozenset: "frozenset"
        case .dict: "dict"
        }
    }

    /// Elements of a list, tuple, set or frozenset.
    public var elements: [PyValue]? {
        switch self {
        case .list(let v), .tuple(let v), .set(let v), .frozenset(let v): v
        default: nil
        }
    }

    public var stringValue: String? {
        if case .str(let b) = self { return String(decoding: b, as: UTF8.self) }
        return nil
    }

    public var intValue: Int64? {
        switch self {
        case .int(let i): i
        case .bool(let b): b ? 1 : 0
        default: nil
        }
    }
}

public struct PyPair: Sendable {
    public var key: PyValue
    public var value: PyValue
    public init(_ key: PyValue, _ value: PyValue) {
        self.key = key
        self.value = value
    }
}

extension PyValue {
    /// The value looked up by a string key, when self is a dict.
    public subscript(key: String) -> PyValue? {
        guard case .dict(let pairs) = self else { return nil }
        let k = PyValue.string(key)
        return pairs.first { $0.key == k }?.value
    }
}

// MARK: - Python equality

/// Numbers compare across bool, int and float exactly as Python does.
private enum Number {
    case int(Int64)
    case big(String)
    case float(Double)

    init?(_ v: PyValue) {
        switch v {
        case .bool(let b): self = .int(b ? 1 : 0)
        case .int(let i): self = .int(i)
        case .bigInt(let s): self = .big(s)
        case .float(let d): self = .float(d)
        default: return nil
        }
    }

    /// The canonical form used for both equality and hashing: every integral
    /// value (bool, int, integral float of any size) as an Int64 or as
    /// Python's hex() text of the int, every other float (inf, NaN, 0.5) as
    /// itself. Python compares int and float exactly, and so does this.
    var canonical: Number {
        guard case .float(let d) = self, d.isFinite, d == d.rounded(.towardZero) else { return self }
        if d >= -9_223_372_036_854_775_808.0 && d < 9_223_372_036_854_775_808.0 { return .int(Int64(d)) }
        return .big(Number.hex(ofIntegral: d))
    }

    static func hex(ofIntegral d: Double) -> String {
        let mag = abs(d)
        let shift = Int(mag.exponent) - 52
        let mantissa = mag.significandBitPattern | (1 << 52)
        let digits = String(mantissa << UInt64(shift % 4), radix: 16) + String(repeating: "0", count: shift / 4)
        return (d < 0 ? "-0x" : "0x") + digits
    }

    static func == (a: Number, b: Number) -> Bool {
        switch (a.canonical, b.canonical) {
        case (.int(let x), .int(let y)): x == y
        case (.big(let x), .big(let y)): x == y
        case (.float(let x), .float(let y)): x == y
        default: false
        }
    }
}

extension PyValue: Hashable {
    public static func == (a: PyValue, b: PyValue) -> Bool {
        if let x = Number(a), let y = Number(b) { return x == y }
        switch (a, b) {
        case (.none, .none): return true
        case (.str(let x), .str(let y)), (.bytes(let x), .bytes(let y)): return x == y
        case (.list(let x), .list(let y)), (.tuple(let x), .tuple(let y)):
            // Element by element: Array's `==` calls two arrays sharing storage
            // equal without looking, which would make a NaN equal to itself.
            guard x.count == y.count else { return false }
            for i in x.indices where !(x[i] == y[i]) { return false }
            return true
        case (.set(let x), .set(let y)), (.set(let x), .frozenset(let y)),
            (.frozenset(let x), .set(let y)), (.frozenset(let x), .frozenset(let y)):
            return x.count == y.count && Set(x) == Set(y)
        case (.dict(let x), .dict(let y)):
            // Both ways: a forged stream may repeat a key.
            guard x.count == y.count else { return false }
            return PyValue.pairsFound(x, in: y) && PyValue.pairsFound(y, in: x)
        default: return false
        }
    }

    /// Every pair of `x` has its key in `y`, with an equal value.
    private static func pairsFound(_ x: [PyPair], in y: [PyPair]) -> Bool {
        var index: [PyValue: PyValue] = [:]
        index.reserveCapacity(y.count)
        for p in y { index[p.key] = p.value }
        return x.allSatisfy { p in index[p.key].map { $0 == p.value } ?? false }
    }

    public func hash(into h: inout Hasher) {
        if let n = Number(self) {
            switch n.canonical {
            case .int(let i):
                h.combine(0 as UInt8)
                h.combine(i)
            case .big(let s):
                h.combine(1 as UInt8)
                h.combine(s)
            case .float(let d):
                h.combine(2 as UInt8)
                h.combine(d)
            }
            return
        }
        switch self {
        case .none: h.combine(3 as UInt8)
        case .str(let b):
            h.combine(4 as UInt8)
            h.combine(b)
        case .bytes(let b):
            h.combine(5 as UInt8)
            h.combine(b)
        case .list(let v):
            h.combine(6 as UInt8)
            h.combine(v)
        case .tuple(let v):
            h.combine(7 as UInt8)
            h.combine(v)
        case .set(let v), .frozenset(let v):
            // Order-free, and set/frozenset alike, as their equality is.
            h.combine(8 as UInt8)
            h.combine(v.count)
            h.combine(v.reduce(0) { $0 &+ $1.hashValue })
        case .dict(let pairs):
            h.combine(9 as UInt8)
            h.combine(pairs.count)
            h.combine(pairs.reduce(0) { $0 &+ ($1.key.hashValue ^ $1.value.hashValue &* 31) })
        default: break
        }
    }
}
