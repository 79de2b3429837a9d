import PygradeKit

/// Arguments written so that a shell reads them back unchanged (the
/// `--resume` command a Ctrl-C'd batch prints, to be pasted).
enum ShellWords {
    static func command(_ arguments: [String]) -> String { arguments.map(quote).joined(separator: " ") }

    static func quote(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty && word.allSatisfy(plain.contains) { return word }
        guard word.unicodeScalars.contains(where: TerminalText.isControl) else {
            return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }
        // A control character (a file name may hold any) must not reach the
        // terminal: bash's $'…' spells every byte that is not printable ASCII.
        var out = "$'"
        for byte in word.utf8 {
            switch byte {
            case UInt8(ascii: "'"), UInt8(ascii: "\\"): out += "\\" + String(UnicodeScalar(byte))
            case 0x20..<0x7F: out += String(UnicodeScalar(byte))
            default: out += "\\x" + (byte < 0x10 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out + "'"
    }
}
