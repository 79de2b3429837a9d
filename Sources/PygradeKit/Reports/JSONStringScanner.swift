/// Where a byte of JSON stands, read one byte at a time: inside a string
/// (its quotes and escapes included), or outside, where the structure is.
/// The one scanner for the passes over the compact JSON the encoder wrote
/// (ReportJSON.indented, JSONLine.topLevelMembers): a `{`, `,` or `:`
/// inside a string is text, never structure.
struct JSONStringScanner {
    private var insideString = false
    private var escaped = false

    /// Takes the next byte: true when it belongs to a string (an opening
    /// or closing quote included), to pass on as it is.
    mutating func inString(_ c: UInt8) -> Bool {
        if insideString {
            if escaped {
                escaped = false
            } else if c == UInt8(ascii: "\\") {
                escaped = true
            } else if c == UInt8(ascii: "\"") {
                insideString = false
            }
            return true
        }
        if c == UInt8(ascii: "\"") {
            insideString = true
            return true
        }
        return false
    }
}
