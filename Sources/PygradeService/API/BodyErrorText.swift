/// One sentence for a body that does not decode: which field and why, never
/// the decoder's internals.
enum BodyErrorText {
    static func sentence(_ error: DecodingError, what: String) -> String {
        switch error {
        case .typeMismatch(let type, let c):
            "In the \(what), \(path(c.codingPath)) is not \(article(type))."
        case .valueNotFound(let type, let c):
            "In the \(what), \(path(c.codingPath)) is null where \(article(type)) is expected."
        case .keyNotFound(let key, let c):
            "The \(what) lacks \(path(c.codingPath + [key]))."
        case .dataCorrupted(let c):
            c.codingPath.isEmpty ? "The \(what) is not valid JSON." : "In the \(what), \(path(c.codingPath)) is malformed."
        @unknown default:
            "The \(what) is not valid JSON."
        }
    }

    static func path(_ keys: [any CodingKey]) -> String {
        guard !keys.isEmpty else { return "the body" }
        var s = ""
        for k in keys {
            if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : ".\(k.stringValue)" }
        }
        return "'\(SubmissionValidator.clip(s))'"
    }

    static func article(_ type: Any.Type) -> String {
        switch "\(type)" {
        case "String": "a string"
        case "Int", "Double": "a number"
        case "Bool": "a boolean"
        case let t where t.hasPrefix("Array"): "an array"
        case let t where t.hasPrefix("Dictionary"): "an object"
        default: "the expected type"
        }
    }
}
