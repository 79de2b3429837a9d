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

    /// The ranges each limit may take, wherever it is given: exercise.yaml,
    /// an assignment, or the command line (whose flags also refuse what is
    /// out of them).
    public static let timeRange: ClosedRange<Double> = 0.01...600
    public static let memoryRange: ClosedRange<Int> = 16...65536
    public static let outputRange: ClosedRange<Int> = 0...(1 << 30)
    public static let budgetRange: ClosedRange<Double> = 0.1...3600

    public init(time: Double? = nil, memory: Int? = nil, output: Int? = nil, budget: Double? = nil) {
        self.time = time
        self.memory = memory
        self.output = output
        self.budget = budget
    }

    /// Reads a `limits:` mapping; its keys are named `limits.<key>` in errors.
    init(_ node: YAMLDocument) throws(DefinitionError) {
        let m = try node.mapping("limits", allowed: LimitOverrides.keys)
        time = try m["time"]?.number("limits.time", in: LimitOverrides.timeRange)
        memory = try m["memory"]?.integer("limits.memory", in: LimitOverrides.memoryRange)
        output = try m["output"]?.integer("limits.output", in: LimitOverrides.outputRange)
        budget = try m["budget"]?.number("limits.budget", in: LimitOverrides.budgetRange)
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
