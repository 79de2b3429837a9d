import CPygradeSupport

/// Per-test statuses (docs/statuses.md).
public enum TestStatus: String, Codable, Sendable, CaseIterable {
    case passed
    case wrongAnswer = "wrong_answer"
    case runtimeError = "runtime_error"
    case timeLimitExceeded = "time_limit_exceeded"
    case memoryLimitExceeded = "memory_limit_exceeded"
    case outputLimitExceeded = "output_limit_exceeded"
    case sandboxViolation = "sandbox_violation"

    /// The numbers the C child uses (PG_ST_* in pygrade_protocol.h).
    public init?(code: Int) {
        switch code {
        case PG_ST_RUNTIME_ERROR: self = .runtimeError
        case PG_ST_TIME_LIMIT: self = .timeLimitExceeded
        case PG_ST_MEMORY_LIMIT: self = .memoryLimitExceeded
        case PG_ST_OUTPUT_LIMIT: self = .outputLimitExceeded
        case PG_ST_SANDBOX_VIOLATION: self = .sandboxViolation
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
