/// What a report records of the assignment it was graded under (absent
/// without one): its name, and the SHA-256 of its file's bytes, so that two
/// reports can be told apart when the file changed under the same name.
public struct AssignmentInfo: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String

    public init(name: String, sha256: String) {
        self.name = name
        self.sha256 = sha256
    }
}
