/// Python source as the normalised tokens that similarity compares: names
/// and literals are one symbol each, comments and layout are gone, so that
/// renaming variables, rewording comments or re-indenting changes nothing.
/// A lexer, not a parser, and never Python's own: it runs in the trusted
/// orchestrator on candidates' bytes, where no interpreter is started, and
/// it only has to be right about where tokens begin and end (a malformed
/// file still gives tokens).
///
/// Kept as they are: keywords, operators, the names of builtins and of
/// attributes (`.append`, `.lower`), which say what the code does and are
/// rarely what a copier renames.
public struct PythonTokens: Sendable {
    /// One token: its symbol and where it is in the source (UTF-8 offsets).
    public struct Token: Sendable, Equatable {
        public var symbol: UInt64
        public var start: Int
        public var end: Int
    }

    public let tokens: [Token]

    public init(_ source: [UInt8]) {
        var lexer = Lexer(source: source)
        tokens = lexer.run()
    }

    // The symbols of what is normalised away.
    static let name = symbol("<name>")
    static let literal = symbol("<literal>")
    static let newline = symbol("<newline>")

    /// FNV-1a, 64 bits: a symbol per distinct normalised text.
    static func symbol<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h = h &* 0x0100_0000_01b3
        }
        return h
    }

    static func symbol(_ text: String) -> UInt64 { symbol(Array(text.utf8)) }

    static let keywords: Set<[UInt8]> = Set(
        """
        False None True and as assert async await break class continue def del elif else except finally for from \
        global if import in is lambda nonlocal not or pass raise return try while with yield
        """.split(separator: " ").map { Array($0.utf8) })

    static let builtins: Set<[UInt8]> = Set(
        """
        abs all any bool callable chr dict divmod enumerate filter float frozenset getattr hasattr hash id int \
        isinstance issubclass iter len list map max min next object ord print range repr reversed round set \
        setattr sorted str sum super tuple type zip functools collections itertools Counter defaultdict \
        OrderedDict deque lru_cache wraps reduce chain
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map { Array($0.utf8) })

    static let stringPrefixes: Set<[UInt8]> = Set(
        ["r", "u", "b", "f", "br", "rb", "fr", "rf"].map { Array($0.utf8) })

    static let operators3: Set<[UInt8]> = Set(["**=", "//=", ">>=", "<<=", "..."].map { Array($0.utf8) })
    static let operators2: Set<[UInt8]> = Set(
        ["**", "//", "==", "!=", "<=", ">=", "->", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "<<", ">>", ":=", "@="]
            .map { Array($0.utf8) })

    struct Lexer {
        let source: [UInt8]
        var i = 0
        var depth = 0
        var out: [Token] = []

        init(source: [UInt8]) { self.source = source }

        mutating func run() -> [Token] {
            out.reserveCapacity(source.count / 3)
            while i < source.count {
                let c = source[i]
                switch c {
                case UInt8(ascii: " "), UInt8(ascii: "\t"), 0x0C:
                    i += 1
                case UInt8(ascii: "\\") where i + 1 < source.count && (source[i + 1] == 0x0A || source[i + 1] == 0x0D):
                    i += 2
                case 0x0A, 0x0D:
                    // A logical line ends outside brackets; blank lines add nothing.
                    if depth == 0, let last = out.last, last.symbol != PythonTokens.newline {
                        out.append(Token(symbol: PythonTokens.newline, start: i, end: i + 1))
                    }
                    i += 1
                case UInt8(ascii: "#"):
                    while i < source.count && source[i] != 0x0A && source[i] != 0x0D { i += 1 }
                case UInt8(ascii: "'"), UInt8(ascii: "\""):
                    string(from: i)
                case UInt8(ascii: "0")...UInt8(ascii: "9"):
                    number()
                case UInt8(ascii: ".") where i + 1 < source.count && isDigit(source[i + 1]):
                    number()
                default:
                    if isNameStart(c) { name() } else { op() }
                }
            }
            return out
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isNameStart(_ c: UInt8) -> Bool { (c | 0x20) >= 0x61 && (c | 0x20) <= 0x7A || c == 0x5F || c >= 0x80 }
        func isNamePart(_ c: UInt8) -> Bool { isNameStart(c) || isDigit(c) }

        mutating func name() {
            let start = i
            while i < source.count && isNamePart(source[i]) { i += 1 }
            let text = Array(source[start..<i])
            if i < source.count, source[i] == UInt8(ascii: "'") || source[i] == UInt8(ascii: "\""),
                PythonTokens.stringPrefixes.contains(text.map { $0 | 0x20 })
            {
                string(from: start)
                return
            }
            let afterDot = out.last.map { $0.end == $0.start + 1 && source[$0.start] == UInt8(ascii: ".") } ?? false
            let kept = afterDot || PythonTokens.keywords.contains(text) || PythonTokens.builtins.contains(text)
            out.append(Token(symbol: kept ? PythonTokens.symbol(text) : PythonTokens.name, start: start, end: i))
        }

        mutating func number() {
            let start = i
            while i < source.count {
                let c = source[i]
                if isNamePart(c) || c == UInt8(ascii: ".") {
                    i += 1
                } else if c == UInt8(ascii: "+") || c == UInt8(ascii: "-"), source[i - 1] | 0x20 == UInt8(ascii: "e"),
                    !(source[start] == UInt8(ascii: "0") && i > start + 1 && source[start + 1] | 0x20 == UInt8(ascii: "x"))
                {
                    i += 1
                } else {
                    break
                }
            }
            out.append(Token(symbol: PythonTokens.literal, start: start, end: i))
        }

        /// A string from `start` (its prefix, if any): to its closing quote,
        /// or, unterminated, to the end of its line (one quote) or file.
        mutating func string(from start: Int) {
            while i < source.count && source[i] != UInt8(ascii: "'") && source[i] != UInt8(ascii: "\"") { i += 1 }
            let quote = source[i]
            let triple = i + 2 < source.count && source[i + 1] == quote && source[i + 2] == quote
            i += triple ? 3 : 1
            while i < source.count {
                let c = source[i]
                if c == UInt8(ascii: "\\") {
                    i += 2
                    continue
                }
                if c == quote {
                    if !triple {
                        i += 1
                        break
                    }
                    if i + 2 < source.count && source[i + 1] == quote && source[i + 2] == quote {
                        i += 3
                        break
                    }
                }
                if !triple && (c == 0x0A || c == 0x0D) { break }
                i += 1
            }
            i = min(i, source.count)
            // Adjacent literals ("a" "b") are one, as Python joins them.
            if let last = out.last, last.symbol == PythonTokens.literal,
                source[last.end - 1] == UInt8(ascii: "'") || source[last.end - 1] == UInt8(ascii: "\"")
            {
                out[out.count - 1].end = i
                return
            }
            out.append(Token(symbol: PythonTokens.literal, start: start, end: i))
        }

        mutating func op() {
            let start = i
            var length = 1
            if i + 3 <= source.count && PythonTokens.operators3.contains(Array(source[i..<i + 3])) {
                length = 3
            } else if i + 2 <= source.count && PythonTokens.operators2.contains(Array(source[i..<i + 2])) {
                length = 2
            }
            let c = source[i]
            if c == UInt8(ascii: "(") || c == UInt8(ascii: "[") || c == UInt8(ascii: "{") { depth += 1 }
            if (c == UInt8(ascii: ")") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")) && depth > 0 { depth -= 1 }
            i += length
            out.append(Token(symbol: PythonTokens.symbol(source[start..<i]), start: start, end: i))
        }
    }
}
