/// The report (`pygrade.report/1`, docs/report.schema.json). Field names are the
/// contract: add fields freely, never rename or drop one.
public struct Report: Codable, Sendable {
    public static let schemaID = "pygrade.report/1"

    public var schema = Report.schemaID
    public var submission: String
    public var sha256: String
    public var verdict: Verdict
    public var score: Double
    public var maxScore: Double
    /// The assignment graded under (absent without one).
    public var assignment: AssignmentInfo?
    public var exercises: [ExerciseReport]
    /// Exercises left out because they are broken (an added field: absent
    /// when every exercise was graded).
    public var notGraded: [NotGradedExercise]?
    /// What was done to the submission before grading (an added field:
    /// absent when nothing was), e.g. magics taken out of a notebook.
    public var notes: [String]?
    public var grader: GraderInfo

    public enum Verdict: String, Codable, Sendable { case passed, failed }

    enum CodingKeys: String, CodingKey {
        case schema, submission, sha256, verdict, score
        case maxScore = "max_score"
        case assignment, exercises
        case notGraded = "not_graded"
        case notes
        case grader
    }

    public init(
        submission: String, sha256: String, exercises: [ExerciseReport], notGraded: [NotGradedExercise] = [], grader: GraderInfo,
        assignment: AssignmentInfo? = nil, notes: [String] = []
    ) {
        self.notes = notes.isEmpty ? nil : notes
        self.assignment = assignment
        self.submission = submission
        self.sha256 = sha256
        self.exercises = exercises
        self.notGraded = notGraded.isEmpty ? nil : notGraded
        self.grader = grader
        score = Report.round(exercises.reduce(0) { $0 + $1.score })
        maxScore = Report.round(exercises.reduce(0) { $0 + $1.maxScore })
        verdict = !exercises.isEmpty && exercises.allSatisfy { $0.status == .passed } ? .passed : .failed
    }

    static func round(_ x: Double) -> Double { (x * 100).rounded() / 100 }
}

/// An exercise the grader could not grade (BrokenExercise): not the
/// candidate's doing, so it counts neither way.
public struct NotGradedExercise: Codable, Sendable, Equatable {
    public var id: String
    /// Which part of it is broken, never the problem's own words.
    public var message: String

    public init(id: String, message: String) {
        self.id = id
        self.message = message
    }
}

public struct ExerciseReport: Codable, Sendable {
    public var id: String
    public var status: ExerciseStatus
    public var score: Double
    public var maxScore: Double
    /// The first failure, in words; never a hidden input or expected value.
    public var message: String
    public var tests: [TestReport]
    public var rules: [RuleReport]
    /// The exercise's figures, measured by the worker (`Figures`): the CPU
    /// time of all its tests, and the highest peak memory any of them
    /// reached. Totals only: a hidden test has no figure of its own. (Added
    /// fields: optional, so reports written without them still decode.)
    public var cpuMs: Double? = nil
    public var peakKiB: Int? = nil

    enum CodingKeys: String, CodingKey {
        case id, status, score
        case maxScore = "max_score"
        case message, tests, rules
        case cpuMs = "cpu_ms"
        case peakKiB = "peak_kib"
    }
}

public struct TestReport: Codable, Sendable {
    public var name: String
    public var status: TestStatus
    public var visibility: Visibility
    public var score: Double
    public var maxScore: Double
    /// The test's CPU time and peak resident memory, measured by the
    /// worker; for a hidden test, the same numbers as every other hidden
    /// test of the exercise (`Figures.hidden`): what a candidate spends on
    /// a hidden test's input would carry that input out.
    public var cpuMs: Double?
    public var peakKiB: Int?
    /// The test's category ("large input"): all a report says of a hidden test.
    public var hint: String
    /// What a visible test printed (stdout and stderr, as UTF-8 with invalid
    /// bytes replaced), taken from a second run of the visible tests alone in
    /// a worker that never held a hidden input (see Grader.grade). Absent for
    /// hidden tests and when nothing was printed.
    public var output: String?
    /// Only the first `TestOutcome.keptOutputBytes` bytes of the output are kept:
    /// present (true) when the test printed more than that.
    public var outputTruncated: Bool? = nil
    /// Why the test failed, in words (absent when it passed). Like the
    /// exercise's message it never quotes an input or an expected value.
    public var message: String? = nil
    /// A failing visible test as Python would write it (PyRepr): the call,
    /// with its arguments as they were before it ran; the reference's
    /// result; and what the candidate's code returned (a wrong answer
    /// only). Each is cut after `PyRepr.shownCharacters` characters, with a
    /// mark: `…(12345 more characters)`. The call and the result come from
    /// the visible-only worker (Grader.grade). Never on a hidden test.
    public var call: String? = nil
    public var expected: String? = nil
    public var got: String? = nil

    enum CodingKeys: String, CodingKey {
        case name, status, visibility, score
        case maxScore = "max_score"
        case cpuMs = "cpu_ms"
        case peakKiB = "peak_kib"
        case hint, output
        case outputTruncated = "output_truncated"
        case message
        case call, expected, got
    }
}

extension TestReport {
    /// `call`, `expected` and `got` as `label: value` lines, for the formats
    /// that show them as text; none for a hidden test (a second lock: the
    /// grader never gives one these fields).
    var failureLines: [String] {
        guard visibility == .visible else { return [] }
        return [("call", call), ("expected", expected), ("got", got)].compactMap { label, value in value.map { "\(label): \($0)" } }
    }
}

public struct RuleReport: Codable, Sendable {
    public var id: String
    /// The line of the rule's first hit in the submission; 0 when it was
    /// broken only at run time (see `atRunTime`).
    public var line: Int
    public var message: String
    /// The fraction of the exercise's points the rule takes away (an added
    /// field: optional, so reports written without it still decode).
    public var penalty: Double?
    /// True when the rule was broken by what the code did at run time (text
    /// it compiled, a forbidden builtin it reached by a computed name), which
    /// has no line; absent for a rule broken in the source (an added field).
    public var atRunTime: Bool? = nil

    /// Where, in words: "line 3", or "at run time".
    public var place: String { line > 0 ? "line \(line)" : "at run time" }

    enum CodingKeys: String, CodingKey {
        case id, line, message, penalty
        case atRunTime = "at_run_time"
    }
}

public struct GraderInfo: Codable, Sendable {
    public var version: String
    public var exercisesSHA256: String
    /// The sandbox layers that were active for this report.
    public var sandbox: [String]

    enum CodingKeys: String, CodingKey {
        case version
        case exercisesSHA256 = "exercises_sha256"
        case sandbox
    }
}

public enum PygradeVersion {
    public static let current = "0.1.0"
}
