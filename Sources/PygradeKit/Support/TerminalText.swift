/// Text pygrade prints that it did not write itself: a candidate's output
/// and messages, but also names and paths, since a file name may hold any
/// byte but `/` and NUL (`\e]0;pwned\a` retitles the window, `\e[2J` clears
/// the screen, `\r` overwrites what came before on the line). Every printer
/// escapes through here, so that there is one rule for what reaches a
/// terminal.
public enum TerminalText {
    /// Whether a scalar is a C0 or C1 control (DEL included): the ones a
    /// terminal may act on instead of showing.
    public static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// C0 and C1 controls (escape sequences, carriage returns, NUL) as
    /// `\u{1B}`; tabs stay, and so do line breaks when `keepingLineBreaks`
    /// (for text shown as lines, such as an HTML `<pre>`).
    public static func escapingControls(_ s: String, keepingLineBreaks: Bool = false) -> String {
        guard s.unicodeScalars.contains(where: isControl) else { return s }
        var out = ""
        for scalar in s.unicodeScalars {
            if scalar == "\t" || (keepingLineBreaks && scalar == "\n") || !isControl(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            }
        }
        return out
    }
}
