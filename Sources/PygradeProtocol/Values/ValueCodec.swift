/// Decodes (and, for tests and the cache, encodes) the value stream the job
/// child writes; the format is documented in CPygradeSupport.h.
///
/// Decoding is iterative and depth-capped: the stream comes from hostile
/// code, and a million-deep list must end as a wrong answer, not as a stack
/// overflow of the grader.
public enum ValueCodec {
    public struct DecodeError: Error, CustomStringConvertible, Equatable {
        public var description: String
    }

    /// Deeper values are refused. Deallocating and comparing `PyValue` is
    /// recursive; this keeps it well inside a thread's stack.
    public static let maxDepth = 10_000

    public static func decode(_ bytes: [UInt8]) throws(DecodeError) -> PyValue {
        try bytes.withUnsafeBufferPointer { buf throws(DecodeError) in
            var reader = Reader(buf: buf)
            let value = try reader.value()
            guard reader.pos == buf.count else { throw DecodeError(description: "trailing bytes after the value") }
            return value
        }
    }

    /// The value, or nil as soon as the stream holds more than `maxValues`
    /// values (every item counts, containers and what they hold alike).
    /// A decoded value costs the grader up to ~19 times its stream (a
    /// one-element list is 3 bytes there and a heap block here), and a
    /// stream is bounded in bytes only: a result within its byte limit
    /// grew the grader past 800 MiB (found by the attacker). Two values
    /// equal by `==` hold as many values each, so a checker decodes a
    /// result with the expected value's count as the bound.
    public static func decode(_ bytes: [UInt8], maxValues: Int) throws(DecodeError) -> PyValue? {
        try bytes.withUnsafeBufferPointer { buf throws(DecodeError) -> PyValue? in
            var reader = Reader(buf: buf)
            reader.budget = maxValues
            let value: PyValue
            do throws(DecodeError) { value = try reader.value() } catch {
                if reader.budget < 0 { return nil }
                throw error
            }
            guard reader.pos == buf.count else { throw DecodeError(description: "trailing bytes after the value") }
            return value
        }
    }

    /// How many values `value` holds, itself included (as `decode(_:maxValues:)`
    /// counts them).
    public static func valueCount(_ value: PyValue) -> Int {
        var count = 0
        var stack = [value]
        while let v = stack.popLast() {
            count += 1
            switch v {
            case .list(let items), .tuple(let items), .set(let items), .frozenset(let items): stack.append(contentsOf: items)
            case .dict(let pairs):
                for p in pairs {
                    stack.append(p.key)
                    stack.append(p.value)
                }
            default: break
            }
        }
        return count
    }

    /// The value a prefix of a stream starts (HarnessSpec.argumentPreviewBytes):
    /// containers hold the items that arrived whole, a string or bytes the
    /// bytes that arrived (a string cut at a character), and `cut` says the
    /// stream went on. Nil when not even one item arrived, or the bytes are
    /// no stream at all.
    public static func decodePrefix(_ bytes: [UInt8]) -> (value: PyValue, cut: Bool)? {
        bytes.withUnsafeBufferPointer { buf in
            var reader = Reader(buf: buf, prefix: true)
            guard let value = try? reader.value() else { return nil }
            return (value, reader.cut || reader.pos != buf.count)
        }
    }

    private enum Kind { case list, tuple, set, frozenset, dict }

    private struct Open {
        var kind: Kind
        var remaining: Int
        var items: [PyValue]
    }

    private struct Reader {
        let buf: UnsafeBufferPointer<UInt8>
        var pos = 0
        /// Reading a prefix (decodePrefix): the end of the bytes closes every
        /// open container instead of failing, and sets `cut`.
        var prefix = false
        var cut = false
        /// Values still allowed; below 0 once the stream held more.
        var budget = Int.max

        mutating func byte() throws(DecodeError) -> UInt8 {
            guard pos < buf.count else { throw DecodeError(description: "truncated value") }
            defer { pos += 1 }
            return buf[pos]
        }

        /// Minimal LEB128 only, as `value_digest.c` reads it: one spelling per
        /// number, so that every value has one spelling.
        mutating func varint() throws(DecodeError) -> UInt64 {
            var v: UInt64 = 0
            var shift: UInt64 = 0
            while shift < 64 {
                let b = try byte()
                v |= UInt64(b & 0x7f) << shift
                if b & 0x80 == 0 {
                    guard (b != 0 || shift == 0) && (shift < 63 || b <= 1) else { break }
                    return v
                }
                shift += 7
            }
            throw DecodeError(description: "bad varint")
        }

        mutating func count() throws(DecodeError) -> Int {
            let n = try varint()
            guard n <= UInt64(buf.count - pos) else { throw DecodeError(description: "length past the end") }
            return Int(n)
        }

        mutating func blob() throws(DecodeError) -> [UInt8] {
            let n = try varint()
            if prefix && n > UInt64(buf.count - pos) {
                // What arrived of it; the stream ends here.
                cut = true
                defer { pos = buf.count }
                return Array(buf[pos...])
            }
            guard n <= UInt64(buf.count - pos) else { throw DecodeError(description: "length past the end") }
            defer { pos += Int(n) }
            return Array(buf[pos..<pos + Int(n)])
        }

        mutating func value() throws(DecodeError) -> PyValue {
            var stack: [Open] = []
            while true {
                var finished: PyValue
                do {
                    guard let item = try item(&stack) else { continue }
                    finished = item
                } catch {
                    // A prefix ends wherever its bytes do: what arrived stands.
                    guard prefix, !stack.isEmpty else { throw error }
                    cut = true
                    return Reader.closing(stack)
                }
                // Attach the finished value to its parents, closing every
                // container it completes.
                while true {
                    guard var top = stack.popLast() else { return finished }
                    top.items.append(finished)
                    top.remaining -= 1
                    if top.remaining > 0 {
                        stack.append(top)
                        break
                    }
                    finished = Reader.build(top.kind, top.items)
                }
            }
        }

        /// One tag and what follows it: a finished value, or nil when it
        /// opened a container (now on the stack).
        private mutating func item(_ stack: inout [Open]) throws(DecodeError) -> PyValue? {
            budget -= 1
            guard budget >= 0 else { throw DecodeError(description: "more values than allowed") }
            let tag = try byte()
            switch tag {
            case UInt8(ascii: "N"): return PyValue.none
            case UInt8(ascii: "T"): return .bool(true)
            case UInt8(ascii: "F"): return .bool(false)
            case UInt8(ascii: "i"):
                let z = try varint()
                return .int(Int64(bitPattern: (z >> 1) ^ (0 &- (z & 1))))
            case UInt8(ascii: "I"):
                let text = try blob()
                guard ValueCodec.isCanonicalBigInt(text) else {
                    throw DecodeError(description: "an int outside int64 not spelt as Python's hex() spells it")
                }
                return .bigInt(String(decoding: text, as: UTF8.self))
            case UInt8(ascii: "f"):
                guard buf.count - pos >= 8 else { throw DecodeError(description: "truncated float") }
                var bits: UInt64 = 0
                for i in 0..<8 { bits |= UInt64(buf[pos + i]) << (8 * UInt64(i)) }
                pos += 8
                return .float(Double(bitPattern: bits))
            case UInt8(ascii: "s"):
                let text = try blob()
                return .str(cut ? ValueCodec.wholeCharacters(text) : text)
            case UInt8(ascii: "b"): return .bytes(try blob())
            case UInt8(ascii: "l"), UInt8(ascii: "t"), UInt8(ascii: "S"), UInt8(ascii: "z"), UInt8(ascii: "d"):
                let kind: Kind =
                    switch tag {
                    case UInt8(ascii: "l"): .list
                    case UInt8(ascii: "t"): .tuple
                    case UInt8(ascii: "S"): .set
                    case UInt8(ascii: "z"): .frozenset
                    default: .dict
                    }
                // In a prefix, fewer items can arrive than there are bytes
                // left (each takes one at least): no more is ever waited for.
                let n = prefix ? Int(min(try varint(), UInt64(buf.count - pos))) : try count()
                let items = kind == .dict ? 2 * n : n
                guard items > 0 else { return Reader.build(kind, []) }
                guard stack.count < ValueCodec.maxDepth else {
                    throw DecodeError(description: "nested deeper than \(ValueCodec.maxDepth) levels")
                }
                var open = Open(kind: kind, remaining: items, items: [])
                open.items.reserveCapacity(items)
                stack.append(open)
                return nil
            default:
                throw DecodeError(description: "unknown tag \(tag)")
            }
        }

        /// Every open container closed on what it holds (a dict's lone last
        /// key dropped), innermost first.
        static func closing(_ stack: [Open]) -> PyValue {
            var stack = stack
            var inner: PyValue?
            while var top = stack.popLast() {
                if let inner { top.items.append(inner) }
                if top.kind == .dict && top.items.count % 2 == 1 { top.items.removeLast() }
                inner = build(top.kind, top.items)
            }
            return inner ?? .none
        }

        static func build(_ kind: Kind, _ items: [PyValue]) -> PyValue {
            switch kind {
            case .list: return .list(items)
            case .tuple: return .tuple(items)
            case .set: return .set(items)
            case .frozenset: return .frozenset(items)
            case .dict:
                return .dict(stride(from: 0, to: items.count, by: 2).map { PyPair(items[$0], items[$0 + 1]) })
            }
        }
    }

    /// A cut string's bytes without the part of a character at their end.
    static func wholeCharacters(_ bytes: [UInt8]) -> [UInt8] {
        guard let lead = bytes.indices.reversed().prefix(4).first(where: { bytes[$0] & 0xC0 != 0x80 }) else { return bytes }
        let b = bytes[lead]
        let length = b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2
        return bytes.count - lead < length ? Array(bytes[..<lead]) : bytes
    }

    /// What 'I' may hold (as `valid_bigint` in `value_digest.c`): Python's
    /// `hex()` of an int outside Int64, "0x" or "-0x" then lower-case digits
    /// without a leading zero. An int that fits Int64 travels as 'i'.
    static func isCanonicalBigInt(_ s: [UInt8]) -> Bool {
        let negative = s.first == UInt8(ascii: "-")
        let i = negative ? 1 : 0
        guard s.count >= i + 3, s[i] == UInt8(ascii: "0"), s[i + 1] == UInt8(ascii: "x"), s[i + 2] != UInt8(ascii: "0")
        else { return false }
        let digits = s[(i + 2)...]
        guard digits.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else { return false }
        if digits.count != 16 { return digits.count > 16 }
        // 16 digits: outside Int64 from 0x8000000000000000 up, or below -0x8000000000000000.
        let first = digits.first!
        if first != UInt8(ascii: "8") { return first > UInt8(ascii: "8") }
        return !negative || digits.dropFirst().contains { $0 != UInt8(ascii: "0") }
    }

    public static func encode(_ value: PyValue) -> [UInt8] {
        var out: [UInt8] = []
        encode(value, into: &out)
        return out
    }

    private static func head(_ tag: Character, _ n: UInt64, _ out: inout [UInt8]) {
        out.append(tag.asciiValue!)
        var v = n
        repeat {
            let b = UInt8(v & 0x7f)
            v >>= 7
            out.append(b | (v != 0 ? 0x80 : 0))
        } while v != 0
    }

    private static func encode(_ value: PyValue, into out: inout [UInt8]) {
        switch value {
        case .none: out.append(UInt8(ascii: "N"))
        case .bool(let b): out.append(UInt8(ascii: b ? "T" : "F"))
        case .int(let i): head("i", UInt64(bitPattern: (i << 1) ^ (i >> 63)), &out)
        case .bigInt(let s):
            head("I", UInt64(s.utf8.count), &out)
            out += s.utf8
        case .float(let d):
            out.append(UInt8(ascii: "f"))
            for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: d.bitPattern >> (8 * UInt64(i)))) }
        case .str(let b):
            head("s", UInt64(b.count), &out)
            out += b
        case .bytes(let b):
            head("b", UInt64(b.count), &out)
            out += b
        case .list(let v), .tuple(let v), .set(let v), .frozenset(let v):
            let tag: Character =
                switch value {
                case .list: "l"
                case .tuple: "t"
                case .set: "S"
                default: "z"
                }
            head(tag, UInt64(v.count), &out)
            for item in v { encode(item, into: &out) }
        case .dict(let pairs):
            head("d", UInt64(pairs.count), &out)
            for p in pairs {
                encode(p.key, into: &out)
                encode(p.value, into: &out)
            }
        }
    }
}
