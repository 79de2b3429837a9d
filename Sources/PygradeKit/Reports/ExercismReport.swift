import Foundation

/// `--format exercism`: `results.json` as exercism's test-runner interface
/// defines it, version 3 (docs/exercism.schema.json). One entry per test,
/// in the exercises' order and each exercise's declared order; an
/// exercise's position is its `task_id`. Hidden tests keep what every
/// other format keeps of them: their name, category and status.
public struct ExercismReport: Encodable, Sendable {
    /// The interface's limit on a test's `output`, and its words for the cut.
    public static let outputLimit = 500
    public static let truncationMessage = "Output was truncated. Please limit to 500 chars"

    public struct Test: Encodable, Sendable, Equatable {
        public var name: String
        /// The call, for a visible test whose arguments are written in its
        /// definition (or shown for its failure); never for a hidden one.
        public var testCode: String?
        public var status: String
        public var message: String?
        public var output: String?
        public var taskID: Int

        enum CodingKeys: String, CodingKey {
            case name, status, message, output
            case testCode = "test_code"
            case taskID = "task_id"
        }
    }

    public var version = 3
    public var status: String
    /// Only when `status` is `error`: why no test ran.
    public var message: String?
    public var tests: [Test]

    /// `exercises`: the graded exercises' definitions (for the calls of
    /// visible tests); a report's exercise without one shows no call.
    public init(_ report: Report, exercises: [Exercise] = []) {
        var tests: [Test] = []
        for (i, exercise) in report.exercises.enumerated() {
            let task = i + 1
            let definition = exercises.first { $0.id == exercise.id }
            if exercise.tests.isEmpty || exercise.status == .syntaxError || exercise.status == .missing {
                // Nothing ran: one entry says why.
                tests.append(
                    Test(
                        name: exercise.id, testCode: nil, status: exercise.status == .passed ? "pass" : "error",
                        message: "\(exercise.status.rawValue): \(exercise.message)", output: nil, taskID: task))
                continue
            }
            for t in exercise.tests {
                let visible = t.visibility == .visible
                let code = visible ? (t.call ?? definition.flatMap { Self.call(t.name, in: $0) }) : nil
                var message: String?
                if t.status != .passed {
                    let why = t.message ?? t.status.rawValue
                    var words = "\(t.status.rawValue): " + (visible ? why : "[\(t.hint)] \(why)")
                    // The call is the test's code: the message adds the values.
                    let values = t.failureLines.filter { code == nil || !$0.hasPrefix("call: ") }
                    if !values.isEmpty { words += "\n" + values.joined(separator: "\n") }
                    message = words
                }
                tests.append(
                    Test(
                        name: "\(exercise.id): \(t.name)", testCode: code, status: Self.status(t.status), message: message,
                        output: visible ? t.output.flatMap(Self.cut) : nil, taskID: task))
            }
            for rule in exercise.rules {
                tests.append(
                    Test(
                        name: "\(exercise.id): rule \(rule.id)", testCode: nil, status: "fail",
                        message: "rule_violation: \(rule.place): \(rule.message)", output: nil, taskID: task))
            }
        }
        self.tests = tests
        let ranNothing = !report.exercises.isEmpty && report.exercises.allSatisfy { $0.status == .syntaxError }
        if ranNothing {
            status = "error"
            message = report.exercises.first.map { "\($0.status.rawValue): \($0.message)" }
        } else {
            status = report.verdict == .passed ? "pass" : "fail"
        }
    }

    /// A wrong result fails; a test that could not give one (an exception,
    /// a limit, the sandbox) errs.
    static func status(_ s: TestStatus) -> String {
        switch s {
        case .passed: "pass"
        case .wrongAnswer: "fail"
        default: "error"
        }
    }

    /// The output, cut to the interface's 500 characters with its message.
    static func cut(_ output: String) -> String? {
        guard !output.isEmpty else { return nil }
        guard output.count > outputLimit else { return output }
        return String(output.prefix(outputLimit)) + "\n" + truncationMessage
    }

    /// A visible test's call as its definition writes it (its arguments are
    /// Python literals there); nil for a generated input.
    static func call(_ test: String, in exercise: Exercise) -> String? {
        guard let t = exercise.tests.first(where: { $0.name == test }), t.visibility == .visible else { return nil }
        switch t.input {
        case .literal(let args, let kwargs):
            let keywords = kwargs.keys.sorted().map { "\($0)=\(kwargs[$0]!)" }
            return "\(exercise.entry)(\((args + keywords).joined(separator: ", ")))"
        case .probe(let name, let args):
            return "\(name)(\(([exercise.entry] + args).joined(separator: ", ")))"
        case .generated:
            return nil
        }
    }

    public func encoded() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}
