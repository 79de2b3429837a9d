/// Per-test statuses (README "Statuses").
public enum TestStatus: String, Codable, Sendable, CaseIterable {
    case passed
    case wrongAnswer = "wrong_answer"
    case runtimeError = "runtime_error"
    case timeLimitExceeded = "time_limit_exceeded"
    case memoryLimitExceeded = "memory_limit_exceeded"
    case outputLimitExceeded = "output_limit_exceeded"
    case sandboxViolation = "sandbox_violation"

    /// The numbers the C child uses (PG_ST_* in CPythonShim.h).
    public init?(code: Int) {
        switch code {
        case 1: self = .runtimeError
        case 2: self = .timeLimitExceeded
        case 3: self = .memoryLimitExceeded
        case 4: self = .outputLimitExceeded
        case 5: self = .sandboxViolation
        default: return nil
        }
    }
}

/// Per-exercise statuses: the test statuses, and three that come first.
public enum ExerciseStatus: String, Codable, Sendable, CaseIterable {
    case syntaxError = "syntax_error"
    case missing
    case ruleViolation = "rule_violation"
    case passed
    case wrongAnswer = "wrong_answer"
    case runtimeError = "runtime_error"
    case timeLimitExceeded = "time_limit_exceeded"
    case memoryLimitExceeded = "memory_limit_exceeded"
    case outputLimitExceeded = "output_limit_exceeded"
    case sandboxViolation = "sandbox_violation"

    public init(_ test: TestStatus) { self = ExerciseStatus(rawValue: test.rawValue)! }
}
