/// A static rule, checked on the AST before any candidate code runs.
public struct Rule: Sendable, Codable, Equatable {
    public var id: String
    public var message: String
    /// Fraction of the exercise's points taken away when broken (0...1).
    public var penalty: Double
    /// Names that may not appear at all: called, aliased, imported, or
    /// spelled in a string (`getattr(builtins, "reversed")`).
    public var forbidNames: [String]
    /// Attributes that may not be read, written or spelled in a string.
    public var forbidAttributes: [String]
    /// No slice with a step (`s[::-1]`), nor `slice(a, b, c)`.
    public var forbidSliceStep: Bool
    public var forbidImports: [String]

    enum CodingKeys: String, CodingKey {
        case id, message, penalty
        case forbidNames = "forbid_names"
        case forbidAttributes = "forbid_attributes"
        case forbidSliceStep = "forbid_slice_step"
        case forbidImports = "forbid_imports"
    }

    public init(
        id: String, message: String, penalty: Double, forbidNames: [String], forbidAttributes: [String], forbidSliceStep: Bool,
        forbidImports: [String]
    ) {
        self.id = id
        self.message = message
        self.penalty = penalty
        self.forbidNames = forbidNames
        self.forbidAttributes = forbidAttributes
        self.forbidSliceStep = forbidSliceStep
        self.forbidImports = forbidImports
    }
}
