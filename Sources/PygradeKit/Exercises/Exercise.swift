import Foundation

/// One exercise, as its folder defines it (see ExerciseLoader for the file).
public struct Exercise: Sendable {
    public var id: String
    public var title: String
    public var entry: String
    public var points: Double
    /// What `points` may be, in exercise.yaml and in an assignment.
    public static let pointsRange: ClosedRange<Double> = 0...10000
    public var checker: CheckerKind
    /// The arguments must be unchanged after the call (`inputs_immutable`).
    public var inputsImmutable: Bool
    /// Returning one of the arguments themselves is a wrong answer.
    public var freshResult: Bool
    public var limits: Limits
    public var rules: [Rule]
    public var tests: [TestCase]

    public var folder: URL
    public var definitionFile: URL
    /// Hash of every file of the folder and of the engine: the cache key of
    /// the expected results.
    public var hash: String
    public var referenceSource: [UInt8]
    public var generatorsSource: String?
    public var probesSource: String?
    /// Stripped of its hidden tests, for the visible-only worker
    /// (VisibleText.visibleOnly): only such an exercise's zygote sends back
    /// pictures of its tests' arguments.
    public var visibleOnly = false

    public var totalWeight: Double { tests.reduce(0) { $0 + $1.weight } }

    public func maxScore(of test: TestCase) -> Double {
        totalWeight > 0 ? points * test.weight / totalWeight : 0
    }
}

public struct Limits: Sendable, Equatable, Codable {
    /// CPU seconds per test.
    public var timeSeconds: Double
    public var memoryMiB: Int
    /// Bytes of stdout and stderr per test.
    public var outputBytes: Int
    /// Wall-clock seconds the whole exercise may take, every test included:
    /// past it the tests left count as time_limit_exceeded.
    public var budgetSeconds: Double

    public static let defaultBudgetSeconds = 10.0

    public init(timeSeconds: Double = 1, memoryMiB: Int = 256, outputBytes: Int = 64 * 1024, budgetSeconds: Double = defaultBudgetSeconds) {
        self.timeSeconds = timeSeconds
        self.memoryMiB = memoryMiB
        self.outputBytes = outputBytes
        self.budgetSeconds = budgetSeconds
    }
}

public enum CheckerKind: String, Sendable, Codable, CaseIterable {
    /// Python `==` with the expected value.
    case exact
    /// A list holding each expected value once, in any order.
    case unorderedUnique = "unordered_unique"
}

public enum Visibility: String, Sendable, Codable {
    case hidden, visible
}

public struct TestCase: Sendable {
    public var name: String
    public var weight: Double
    public var visibility: Visibility
    /// What kind of case this is ("large input", "unicode"): the only thing a
    /// report says about a hidden test's content.
    public var hint: String
    public var input: TestInput
    public var checker: CheckerKind?
    public var timeSeconds: Double?
    /// Where the test is written, for messages that name a line.
    public var lines = TestLines()
}

/// The lines of exercise.yaml that hold a test and the Python its input is
/// written in (nil where unknown).
public struct TestLines: Sendable {
    /// The test's entry (its first key).
    public var test: Int?
    /// Each of `args`, in order.
    public var args: [Int?] = []
    /// Each value of `kwargs`, by name.
    public var kwargs: [String: Int] = [:]
    /// `generate.function` or `probe`: the name of a function of
    /// generators.py or probes.py.
    public var function: Int?

    public init(test: Int? = nil, args: [Int?] = [], kwargs: [String: Int] = [:], function: Int? = nil) {
        self.test = test
        self.args = args
        self.kwargs = kwargs
        self.function = function
    }
}

/// Python literal sources for arguments, a seeded generator, or a probe.
public enum TestInput: Sendable {
    case literal(args: [String], kwargs: [String: String])
    case generated(function: String, seed: Int, parameters: [String: GeneratorParameter])
    case probe(name: String, args: [String])
}
