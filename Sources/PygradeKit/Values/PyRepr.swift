/// Python's `repr()` of a decoded value, as a report shows a visible test's
/// call, expected value and result: written here, from the value stream,
/// never by an object of the candidate's (whose `__repr__` could say
/// anything, and run anything).
///
/// As Python writes it: `[1, 'a', (2,)]`, `{'k': None}`, `set()`,
/// `frozenset({1})`, `b'\x00'`, True, floats as their shortest round trip
/// (`0.1`, `1e+16`, `inf`, `nan`), strings quoted and escaped as `repr`
/// escapes them (control characters, ANSI escapes and other unprintable
/// ones as `\x1b`, `\u200f`, lone surrogates as `\udc80`), so that nothing
/// in it acts on a terminal. Two departures: an int of more than 4300
/// digits, which Python itself refuses to write in decimal, is written as
/// its `hex()`; and the text stops after `limit` characters with a mark
/// saying how much more there was.
public enum PyRepr {
    /// How many characters of a value, or of a call, a report shows.
    public static let shownCharacters = 200
    /// Past what is shown, how many more characters are counted for the mark
    /// before the count stops (and says "at least").
    static let countedCharacters = 100_000
    /// Python's own limit on an int written in decimal
    /// (`sys.get_int_max_str_digits()`).
    static let maxDecimalDigits = 4300

    /// `cut`: the value is only the start of a longer one (a prefix).
    public static func of(_ value: PyValue, limit: Int = shownCharacters, cut: Bool = false) -> String {
        var w = Writer(limit: limit)
        write(value, into: &w)
        return w.finished(cut: cut)
    }

    /// A call as Python would write it: `f(1, [2], key='v')`. A probe test
    /// calls its probe with the entry point first: `probe(entry, 1)`.
    public static func call(
        _ function: String, arguments: [PyValue], keywords: [PyPair], first: String? = nil, limit: Int = shownCharacters,
        cut: Bool = false
    ) -> String {
        var w = Writer(limit: limit)
        w.atomic(function + "(")
        var separator = ""
        if let first {
            w.atomic(first)
            separator = ", "
        }
        for a in arguments {
            w.atomic(separator)
            separator = ", "
            write(a, into: &w)
        }
        for k in keywords {
            w.atomic(separator)
            separator = ", "
            // Keyword names come from exercise.yaml (identifiers), escaped
            // all the same if they are not.
            if let name = k.key.stringValue, name.unicodeScalars.allSatisfy({ $0.isASCII && !TerminalText.isControl($0) }) {
                w.atomic(name + "=")
            } else {
                write(k.key, into: &w)
                w.atomic("=")
            }
            write(k.value, into: &w)
        }
        if !cut { w.atomic(")") }
        return w.finished(cut: cut)
    }

    /// The text, and past the limit a mark: `…(12345 more characters)`,
    /// or `…(at least N more characters)` when the rest was not all there
    /// to count.
    struct Writer {
        let limit: Int
        var text = ""
        var shown = 0
        var more = 0
        var overflowed = false

        init(limit: Int) { self.limit = max(0, limit) }

        /// Past the count: nothing more is worth walking.
        var done: Bool { more > PyRepr.countedCharacters }

        /// A piece shown whole or not at all (a number, an escape).
        mutating func atomic(_ s: String) {
            let n = s.unicodeScalars.count
            if !overflowed && shown + n <= limit {
                text += s
                shown += n
            } else {
                overflowed = true
                more += n
            }
        }

        mutating func scalar(_ c: Unicode.Scalar) {
            if !overflowed && shown < limit {
                text.unicodeScalars.append(c)
                shown += 1
            } else {
                overflowed = true
                more += 1
            }
        }

        func finished(cut: Bool) -> String {
            if overflowed {
                let exact = !cut && !done
                return text + "…(\(exact ? "" : "at least ")\(more) more character\(more == 1 ? "" : "s"))"
            }
            return cut ? text + "…(cut)" : text
        }
    }

    private enum Frame {
        case items([PyValue], next: Int, close: String)
        /// `step` counts keys and values: even a key, odd its value.
        case pairs([PyPair], step: Int)
    }

    /// Iterative: a value nested ten thousand deep costs no stack.
    static func write(_ value: PyValue, into w: inout Writer) {
        var stack: [Frame] = []
        var current: PyValue? = value
        while !w.done {
            if let v = current {
                current = nil
                switch v {
                case .none: w.atomic("None")
                case .bool(let b): w.atomic(b ? "True" : "False")
                case .int(let i): w.atomic(String(i))
                case .bigInt(let hex): w.atomic(decimal(hex: hex))
                case .float(let d): w.atomic(float(d))
                case .str(let b): string(b, into: &w)
                case .bytes(let b): bytes(b, into: &w)
                case .list(let items):
                    w.atomic("[")
                    stack.append(.items(items, next: 0, close: "]"))
                case .tuple(let items):
                    w.atomic("(")
                    stack.append(.items(items, next: 0, close: items.count == 1 ? ",)" : ")"))
                case .set(let items):
                    if items.isEmpty {
                        w.atomic("set()")
                    } else {
                        w.atomic("{")
                        stack.append(.items(items, next: 0, close: "}"))
                    }
                case .frozenset(let items):
                    if items.isEmpty {
                        w.atomic("frozenset()")
                    } else {
                        w.atomic("frozenset({")
                        stack.append(.items(items, next: 0, close: "})"))
                    }
                case .dict(let pairs):
                    w.atomic("{")
                    stack.append(.pairs(pairs, step: 0))
                }
                continue
            }
            guard let top = stack.popLast() else { return }
            switch top {
            case .items(let items, let next, let close):
                if next == items.count {
                    w.atomic(close)
                    continue
                }
                if next > 0 { w.atomic(", ") }
                stack.append(.items(items, next: next + 1, close: close))
                current = items[next]
            case .pairs(let pairs, let step):
                if step == 2 * pairs.count {
                    w.atomic("}")
                    continue
                }
                if step % 2 == 0 {
                    if step > 0 { w.atomic(", ") }
                    current = pairs[step / 2].key
                } else {
                    w.atomic(": ")
                    current = pairs[step / 2].value
                }
                stack.append(.pairs(pairs, step: step + 1))
            }
        }
    }
}
