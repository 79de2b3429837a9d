/// How to grade: which exercises, under which assignment, and the limits
/// and sandbox policy that override the exercises' own.
public struct GradeOptions: Sendable {
    /// Overrides every test's CPU limit (seconds).
    public var timeLimit: Double?
    /// Overrides the exercise's memory limit (MiB).
    public var memoryLimit: Int?
    /// Overrides the exercise's wall budget (seconds for all its tests).
    public var wallBudget: Double?
    /// Grade only these exercises (all when empty; with an assignment, only
    /// some of its own, in its order).
    public var exerciseIDs: [String] = []
    /// Which exercises count, in which order, with which points and limits
    /// (nil: every exercise of the catalog, under its own definition). The
    /// flags above still win over its limits.
    public var assignment: Assignment?
    public var maxSubmissionBytes = Submission.defaultMaxBytes
    /// The largest result a test may return, encoded.
    public var resultBytes = JobRequest.maxResultBytes
    /// `strict` refuses to grade when a sandbox layer is missing.
    public var sandbox = SandboxPolicy.default
    /// The binary started as `<it> __worker` (nil: this process's own, from
    /// /proc/self/exe). The service is not that binary: it names `pygrade`.
    public var workerExecutable: String?

    public init() {}
}
