/// The literals of PyRepr: numbers (floats as Python writes them, ints
/// outside Int64 in decimal) and the quoting and escaping of str and
/// bytes, each as Python's `repr` writes it. PyRepr.swift walks the value
/// and calls these for its leaves.
extension PyRepr {
    // MARK: Numbers

    /// Python's `repr(float)`: the shortest digits that read back as the
    /// same double (Swift's `description` finds the same ones), laid out as
    /// Python lays them out: positional from 1e-4 up to 1e16, else with an
    /// exponent of at least two digits.
    static func float(_ d: Double) -> String {
        if d.isNaN { return "nan" }
        if d.isInfinite { return d < 0 ? "-inf" : "inf" }
        let sign = d.sign == .minus ? "-" : ""
        var text = Substring(abs(d).description)
        var exponent = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            exponent = Int(text[text.index(after: e)...]) ?? 0
            text = text[..<e]
        }
        let point = text.firstIndex(of: ".") ?? text.endIndex
        let whole = text[..<point]
        let fraction = point < text.endIndex ? text[text.index(after: point)...] : ""
        var digits = Array(whole + fraction)
        // Where the point falls, counted in digits from the first one.
        var decpt = whole.count + exponent
        while digits.count > 1 && digits.first == "0" {
            digits.removeFirst()
            decpt -= 1
        }
        while digits.count > 1 && digits.last == "0" { digits.removeLast() }
        if digits == ["0"] { return sign + "0.0" }
        let ds = String(digits)
        if decpt > -4 && decpt <= 16 {
            if decpt <= 0 { return sign + "0." + String(repeating: "0", count: -decpt) + ds }
            if decpt >= digits.count { return sign + ds + String(repeating: "0", count: decpt - digits.count) + ".0" }
            return sign + String(digits[..<decpt]) + "." + String(digits[decpt...])
        }
        let mantissa = digits.count == 1 ? ds : String(digits[0]) + "." + String(digits[1...])
        let e = decpt - 1
        let magnitude = String(abs(e))
        return sign + mantissa + "e" + (e < 0 ? "-" : "+") + (magnitude.count < 2 ? "0" : "") + magnitude
    }

    /// An int outside Int64 (Python's `hex()` spelling) in decimal, as
    /// Python writes it; past Python's own limit on decimal digits, as its
    /// `hex()`.
    static func decimal(hex: String) -> String {
        let negative = hex.hasPrefix("-")
        let digits = Array(hex.utf8.dropFirst(negative ? 3 : 2))
        // 16^3572 > 10^4300: a longer hex spelling is past the limit.
        guard digits.count <= 3572 else { return hex }
        // Base 2^32, least significant limb first.
        var limbs: [UInt32] = []
        var end = digits.count
        while end > 0 {
            let start = max(0, end - 8)
            var limb: UInt32 = 0
            for c in digits[start..<end] {
                let v: UInt32 = c <= UInt8(ascii: "9") ? UInt32(c - UInt8(ascii: "0")) : UInt32(c - UInt8(ascii: "a") + 10)
                limb = limb << 4 | v
            }
            limbs.append(limb)
            end = start
        }
        while limbs.last == 0 { limbs.removeLast() }
        // Base 10^9 chunks, least significant first.
        var chunks: [UInt32] = []
        while !limbs.isEmpty {
            var rest: UInt64 = 0
            for i in stride(from: limbs.count - 1, through: 0, by: -1) {
                let cur = rest << 32 | UInt64(limbs[i])
                limbs[i] = UInt32(cur / 1_000_000_000)
                rest = cur % 1_000_000_000
            }
            chunks.append(UInt32(rest))
            while limbs.last == 0 { limbs.removeLast() }
        }
        var out = negative ? "-" : ""
        out += String(chunks.last ?? 0)
        for c in chunks.dropLast().reversed() {
            let s = String(c)
            out += String(repeating: "0", count: 9 - s.count) + s
        }
        return out.utf8.count - (negative ? 1 : 0) > maxDecimalDigits ? hex : out
    }

    // MARK: Strings and bytes

    /// `'` unless the text holds a `'` and no `"` (Python's choice).
    static func quote(_ b: [UInt8]) -> UInt8 {
        b.contains(UInt8(ascii: "'")) && !b.contains(UInt8(ascii: "\"")) ? UInt8(ascii: "\"") : UInt8(ascii: "'")
    }

    static func string(_ b: [UInt8], into w: inout Writer) {
        let q = quote(b)
        let quote = String(UnicodeScalar(q))
        w.atomic(quote)
        var i = 0
        while i < b.count && !w.done {
            let (cp, n) = codePoint(b, at: i)
            i += n
            switch cp {
            case UInt32(q), 0x5C: w.atomic("\\" + String(UnicodeScalar(UInt8(cp))))
            case 0x09: w.atomic("\\t")
            case 0x0A: w.atomic("\\n")
            case 0x0D: w.atomic("\\r")
            case 0..<0x20, 0x7F: w.atomic(escape(cp, "x", 2))
            case 0x20..<0x7F: w.scalar(Unicode.Scalar(cp)!)
            default:
                if let s = Unicode.Scalar(cp), printable(s) {
                    w.scalar(s)
                } else if cp <= 0xFF {
                    w.atomic(escape(cp, "x", 2))
                } else if cp <= 0xFFFF {
                    w.atomic(escape(cp, "u", 4))
                } else {
                    w.atomic(escape(cp, "U", 8))
                }
            }
        }
        w.atomic(quote)
    }

    static func bytes(_ b: [UInt8], into w: inout Writer) {
        let q = quote(b)
        let quote = String(UnicodeScalar(q))
        w.atomic("b" + quote)
        for c in b {
            if w.done { break }
            switch c {
            case q, 0x5C: w.atomic("\\" + String(UnicodeScalar(c)))
            case 0x09: w.atomic("\\t")
            case 0x0A: w.atomic("\\n")
            case 0x0D: w.atomic("\\r")
            case 0x20..<0x7F: w.scalar(Unicode.Scalar(c))
            default: w.atomic(escape(UInt32(c), "x", 2))
            }
        }
        w.atomic(quote)
    }

    static func escape(_ cp: UInt32, _ letter: String, _ width: Int) -> String {
        let hex = String(cp, radix: 16)
        return "\\" + letter + String(repeating: "0", count: max(0, width - hex.count)) + hex
    }

    /// Python's `str.isprintable()` for one character beyond ASCII: not a
    /// control, format, surrogate, private-use or unassigned character, nor
    /// a separator other than the space.
    static func printable(_ s: Unicode.Scalar) -> Bool {
        switch s.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            false
        default: true
        }
    }

    /// One code point of UTF-8 as the value stream carries a str (lone
    /// surrogates kept, as "surrogatepass" writes them), and its length;
    /// a byte that starts no character reads as U+FFFD.
    static func codePoint(_ b: [UInt8], at i: Int) -> (UInt32, Int) {
        let c0 = b[i]
        if c0 < 0x80 { return (UInt32(c0), 1) }
        let length = c0 >= 0xF0 && c0 < 0xF5 ? 4 : c0 >= 0xE0 ? 3 : c0 >= 0xC2 && c0 < 0xE0 ? 2 : 0
        guard length > 0, i + length <= b.count else { return (0xFFFD, 1) }
        var cp = UInt32(c0) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for k in 1..<length {
            let c = b[i + k]
            guard c & 0xC0 == 0x80 else { return (0xFFFD, 1) }
            cp = cp << 6 | UInt32(c & 0x3F)
        }
        let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard cp >= smallest, cp <= 0x10FFFF else { return (0xFFFD, 1) }
        return (cp, length)
    }
}
