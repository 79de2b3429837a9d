/// Just enough XML for JUnit files: escaped text and attributes, and no
/// character XML 1.0 forbids (candidate output can hold any byte).
struct XMLWriter {
    private(set) var text = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var depth = 0

    mutating func open(_ name: String, _ attributes: [(String, String)] = [], empty: Bool = false) {
        text += indent + "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(XMLWriter.escape(value, attribute: true))\"" }
        text += empty ? "/>\n" : ">\n"
        if !empty { depth += 1 }
    }

    mutating func close(_ name: String) {
        depth -= 1
        text += indent + "</\(name)>\n"
    }

    /// An element holding text only (kept verbatim, no indentation added).
    mutating func element(_ name: String, _ attributes: [(String, String)] = [], text body: String) {
        text += indent + "<" + name
        for (key, value) in attributes { text += " \(key)=\"\(XMLWriter.escape(value, attribute: true))\"" }
        text += ">" + XMLWriter.escape(body, attribute: false) + "</\(name)>\n"
    }

    private var indent: String { String(repeating: "  ", count: depth) }

    /// In attributes, line breaks and tabs become character references, or a
    /// parser would normalise them to spaces. Forbidden characters (most C0
    /// controls, lone surrogates cannot occur in a Swift String, U+FFFE/F)
    /// become U+FFFD.
    static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "\n" where attribute: out += "&#10;"
            case "\r": out += "&#13;"
            case "\t" where attribute: out += "&#9;"
            // C1 controls and DEL are legal XML but act on a terminal that
            // shows the file: kept, as character references.
            case "\u{7F}"..."\u{9F}": out += "&#x" + String(scalar.value, radix: 16, uppercase: true) + ";"
            default:
                out.unicodeScalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
            }
        }
        return out
    }

    static func allowed(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }
}
