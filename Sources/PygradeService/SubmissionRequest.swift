/// The body of `POST /v1/submissions` (and each item of a batch), as the
/// API node accepted it: it is also the job's payload in the queue, so the
/// grading node reads exactly what was checked.
public struct SubmissionRequest: Codable, Sendable, Equatable {
    /// One file's text.
    public var source: String?
    /// The name `source` is graded and reported under (default
    /// `submission.py`).
    public var filename: String?
    /// A folder submission: file name to text (`<exercise>.py`,
    /// `solution.py`, `main.py`, ...). Exactly one of `source` and `files`.
    public var files: [String: String]?
    /// Grade only these exercises (all when absent).
    public var exercises: [String]?
    /// An assignment, with the keys of an assignment file.
    public var assignment: JSONValue?
    public var limits: RequestLimits?
    public var callbackURL: String?
    /// Free data the client gets back with the submission.
    public var metadata: JSONValue?

    enum CodingKeys: String, CodingKey {
        case source, filename, files, exercises, assignment, limits
        case callbackURL = "callback_url"
        case metadata
    }

    public init(
        source: String? = nil, filename: String? = nil, files: [String: String]? = nil, exercises: [String]? = nil,
        assignment: JSONValue? = nil, limits: RequestLimits? = nil, callbackURL: String? = nil, metadata: JSONValue? = nil
    ) {
        self.source = source
        self.filename = filename
        self.files = files
        self.exercises = exercises
        self.assignment = assignment
        self.limits = limits
        self.callbackURL = callbackURL
        self.metadata = metadata
    }
}

/// Limits a request may set, each within the server's maxima: `time` CPU
/// seconds per test, `memory` MiB, `budget` wall seconds per exercise.
public struct RequestLimits: Codable, Sendable, Equatable {
    public var time: Double?
    public var memory: Int?
    public var budget: Double?

    public init(time: Double? = nil, memory: Int? = nil, budget: Double? = nil) {
        self.time = time
        self.memory = memory
        self.budget = budget
    }
}
