import Foundation

/// The report as JSON, with its keys in one fixed order on every run:
/// `schema` and `submission` first (as in a batch's results file), then
/// every other key sorted, at every depth. (Foundation's encoder otherwise
/// follows a hash order that changes from one process to the next.)
public enum ReportJSON {
    /// The keys that lead a report or a batch record.
    public static let leadingKeys = ["schema", "submission"]

    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    /// One compact object, its keys in the fixed order.
    static func compact<T: Encodable>(_ value: T) throws -> [UInt8] {
        JSONLine.reordered([UInt8](try encoder().encode(value)), first: leadingKeys)
    }

    public static func encode(_ report: Report, pretty: Bool = true) throws -> String {
        let bytes = try compact(report)
        return String(decoding: pretty ? indented(bytes) : bytes, as: UTF8.self)
    }

    /// Compact JSON (no space outside strings, as JSONEncoder writes it)
    /// laid out one member a line, two spaces a level; `[]` and `{}` stay.
    static func indented(_ json: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count * 2)
        var level = 0
        var strings = JSONStringScanner()
        func newline() {
            out.append(UInt8(ascii: "\n"))
            out += repeatElement(UInt8(ascii: " "), count: 2 * level)
        }
        var i = 0
        while i < json.count {
            let c = json[i]
            i += 1
            if strings.inString(c) {
                out.append(c)
                continue
            }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(c)
                if i < json.count, json[i] == UInt8(ascii: "}") || json[i] == UInt8(ascii: "]") {
                    out.append(json[i])
                    i += 1
                } else {
                    level += 1
                    newline()
                }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                level -= 1
                newline()
                out.append(c)
            case UInt8(ascii: ","):
                out.append(c)
                newline()
            case UInt8(ascii: ":"):
                out += [c, UInt8(ascii: " ")]
            default:
                out.append(c)
            }
        }
        return out
    }
}
