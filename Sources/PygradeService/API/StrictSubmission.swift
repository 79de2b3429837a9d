/// A `SubmissionRequest` decoded with one rule more than its `Codable`: a
/// field given as `null` is refused (400) rather than read as absent, as
/// the OpenAPI document says, except `metadata`, which is any JSON.
struct StrictSubmission: Decodable {
    var request: SubmissionRequest

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// The fields that must not be null.
    private static let fields = ["source", "filename", "files", "exercises", "assignment", "limits", "callback_url"]

    /// What a field holds, for the message.
    private static func type(of field: String) -> Any.Type {
        switch field {
        case "files", "assignment", "limits": [String: String].self
        case "exercises": [String].self
        default: String.self
        }
    }
    private static let limitFields = ["time", "memory", "budget"]

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Key.self)
        for name in Self.fields {
            let key = Key(stringValue: name)
            guard c.contains(key) else { continue }
            if try c.decodeNil(forKey: key) { throw Self.null(Self.type(of: name), c.codingPath + [key]) }
        }
        let limitsKey = Key(stringValue: "limits")
        if c.contains(limitsKey), let limits = try? c.nestedContainer(keyedBy: Key.self, forKey: limitsKey) {
            for name in Self.limitFields {
                let key = Key(stringValue: name)
                if limits.contains(key), try limits.decodeNil(forKey: key) { throw Self.null(Double.self, limits.codingPath + [key]) }
            }
        }
        request = try SubmissionRequest(from: decoder)
    }

    private static func null(_ type: Any.Type, _ path: [any CodingKey]) -> DecodingError {
        .valueNotFound(type, .init(codingPath: path, debugDescription: "null where a value is expected"))
    }
}
