/// A `limits:` mapping as written, in exercise.yaml or in an assignment:
/// each key absent keeps the limit it would otherwise have. The keys and
/// their ranges are defined here once for both files.
public struct LimitOverrides: Sendable, Equatable {
    /// CPU seconds per test.
    public var time: Double?
    /// MiB.
    public var memory: Int?
    /// Bytes printed per test.
    public var output: Int?
    /// Wall-clock seconds for all of an exercise's tests.
    public var budget: Double?

    public static let keys: Set<String> = ["time", "memory", "output", "budget"]

    public init(time: Double? = nil, memory: Int? = nil, output: Int? = nil, budget: Double? = nil) {
        self.time = time
        self.memory = memory
        self.output = output
        self.budget = budget
    }

    /// Reads a `limits:` mapping; its keys are named `limits.<key>` in errors.
    init(_ node: YAMLDocument) throws(DefinitionError) {
        let m = try node.mapping("limits", allowed: LimitOverrides.keys)
        time = try m["time"]?.number("limits.time", in: 0.01...600)
        memory = try m["memory"]?.integer("limits.memory", in: 16...65536)
        output = try m["output"]?.integer("limits.output", in: 0...(1 << 30))
        budget = try m["budget"]?.number("limits.budget", in: 0.1...3600)
    }

    public var isEmpty: Bool { self == LimitOverrides() }

    /// `base` with every limit given here put in its place.
    public func applied(to base: Limits) -> Limits {
        var l = base
        if let time { l.timeSeconds = time }
        if let memory { l.memoryMiB = memory }
        if let output { l.outputBytes = output }
        if let budget { l.budgetSeconds = budget }
        return l
    }
}
