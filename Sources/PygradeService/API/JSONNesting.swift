/// A bound on how deeply, and how much, a request body nests, checked on
/// its bytes before any decoding. Decoding `JSONValue` (metadata, an inline
/// assignment) costs, at every level, a few failed tries whose errors carry
/// the whole coding path: a megabyte of nested arrays kept a core busy for
/// a minute. Real requests nest a few levels.
enum JSONNesting {
    /// Levels of arrays and objects, the body's own included.
    static let maxDepth = 32
    /// The sum, over every array and object, of the depth it opens at: what
    /// decoding them costs, about.
    static let maxWork = 1_000_000

    /// Why `bytes` nest too much, in one sentence, or nil.
    static func refusal(_ bytes: some Sequence<UInt8>) -> String? {
        var depth = 0
        var work = 0
        var inString = false
        var escaped = false
        for b in bytes {
            if inString {
                if escaped {
                    escaped = false
                } else if b == UInt8(ascii: "\\") {
                    escaped = true
                } else if b == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch b {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                depth += 1
                work += depth
                if depth > maxDepth { return "The body nests arrays and objects more than \(maxDepth) levels deep." }
                if work > maxWork { return "The body holds too many nested arrays and objects." }
            case UInt8(ascii: "]"), UInt8(ascii: "}"): depth = max(0, depth - 1)
            default: break
            }
        }
        return nil
    }
}
