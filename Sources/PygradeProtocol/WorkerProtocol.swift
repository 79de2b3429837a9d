import CPygradeSupport

/// What the orchestrator and a worker say to each other. Both ends are this
/// same binary, so the types are shared; only the job child speaks C frames.

public enum WorkerRequest: Codable, Sendable {
    /// Build an exercise's inputs once; later jobs name it by `key`.
    case prepare(key: String, spec: HarnessSpec)
    /// Grade one source against one prepared exercise; blob 0 is the source.
    case job(JobRequest)
    /// Compile, never run, the Python an exercise's author wrote.
    case checkSources(SourceCheckRequest)

    /// Jobs travel in binary (one per exercise per candidate: the hot
    /// path), prepares as JSON.
    public func message(blobs: [[UInt8]] = []) throws -> Message {
        switch self {
        case .job(let job): Message(binary: job, blobs: blobs)
        case .prepare, .checkSources: try Message(self, blobs: blobs)
        }
    }

    public init(_ message: Message) throws {
        if message.header.first == BinaryWriter.tag {
            self = .job(try message.decodeBinary(JobRequest.self))
        } else {
            self = try message.decode(WorkerRequest.self)
        }
    }
}

public struct JobRequest: Codable, Sendable {
    public struct Test: Codable, Sendable {
        public var cpuSeconds: Double
        public var wallSeconds: Double
        /// A large result may come back as a digest (exact checkers only).
        public var digestOK: Bool
        public var captureOutput: Bool
        /// The largest result this test may return, encoded (0: the job's
        /// `resultBytes`). For a candidate, a few times the reference's: no
        /// right answer is larger, and the orchestrator never holds more.
        public var resultBytes: Int = 0

        public init(cpuSeconds: Double, wallSeconds: Double, digestOK: Bool, captureOutput: Bool, resultBytes: Int = 0) {
            self.cpuSeconds = cpuSeconds
            self.wallSeconds = wallSeconds
            self.digestOK = digestOK
            self.captureOutput = captureOutput
            self.resultBytes = resultBytes
        }

        /// The limit that holds for this test.
        public func resultLimit(in job: JobRequest) -> Int { resultBytes > 0 ? min(resultBytes, job.resultBytes) : job.resultBytes }
    }
    public var exerciseKey: String
    public var entry: String
    public var filename: String
    public var moduleName: String
    public var tests: [Test]
    public var loadCPUSeconds: Double
    public var loadWallSeconds: Double
    public var memoryBytes: UInt64
    public var outputBytes: Int
    public var resultBytes: Int
    /// The largest result any test may return, encoded: the most a job
    /// asks for, and what a zygote encodes its inputs' previews under.
    public static let maxResultBytes = Int(PG_MAX_RESULT_BYTES)
    public var checkMutation: Bool
    public var freshResult: Bool
    public var checkRules: Bool
    /// Wall-clock seconds the whole exercise may take (loading, every test,
    /// every fresh child): past it, the tests left are not run and count as
    /// time_limit_exceeded. One submission cannot hold a worker for long.
    public var wallBudgetSeconds: Double
    /// Exceptions' messages in full. Only for the visible-only worker, whose
    /// children never hold a hidden input: a normal run's child names an
    /// exception's builtin type and nothing more.
    public var fullText = false

    public init(
        exerciseKey: String, entry: String, filename: String, moduleName: String, tests: [Test], loadCPUSeconds: Double,
        loadWallSeconds: Double, memoryBytes: UInt64, outputBytes: Int, resultBytes: Int, checkMutation: Bool, freshResult: Bool,
        checkRules: Bool, wallBudgetSeconds: Double, fullText: Bool = false
    ) {
        self.exerciseKey = exerciseKey
        self.entry = entry
        self.filename = filename
        self.moduleName = moduleName
        self.tests = tests
        self.loadCPUSeconds = loadCPUSeconds
        self.loadWallSeconds = loadWallSeconds
        self.memoryBytes = memoryBytes
        self.outputBytes = outputBytes
        self.resultBytes = resultBytes
        self.checkMutation = checkMutation
        self.freshResult = freshResult
        self.checkRules = checkRules
        self.wallBudgetSeconds = wallBudgetSeconds
        self.fullText = fullText
    }
}

public struct RuleHit: Codable, Sendable, Equatable {
    public var id: String
    public var line: Int
    public init(id: String, line: Int) {
        self.id = id
        self.line = line
    }
}

public struct JobResponse: Codable, Sendable {
    public enum Compile: String, Codable, Sendable { case ok, syntaxError, notRun }
    public enum Load: String, Codable, Sendable { case ok, failed, missing, notRun }

    public var compile: Compile = .notRun
    public var syntaxLine: Int?
    public var syntaxMessage: String?
    public var ruleHits: [RuleHit] = []
    public var load: Load = .notRun
    /// For a failed load: the status every test gets, and why: the worker's
    /// code when it stopped the child, else the child's own words (an
    /// exception; for a missing entry point, which of two things it is),
    /// candidate-controlled.
    public var loadStatus: TestStatus?
    public var loadEnding: Ending?
    public var loadMessage: String?
    public var tests: [TestOutcome] = []
    public var timing = JobTiming()
    /// The worker could not run the job at all (not the candidate's fault).
    public var internalError: String?
    /// A child wrote a frame the protocol did not allow where it came (or
    /// played with its result channel): the exercise is a sandbox violation.
    public var forged = false
    /// When the entry point is missing: the names the source defines with
    /// `def` and `class` at module level, in source order. Read by the
    /// compile child from the compiled code (no candidate code run, no input
    /// held) and set by the zygote after the job: never a job child's claim,
    /// so a name made up at run time from a hidden input cannot be among them.
    public var definedNames: [String] = []

    public init() {}
}

public struct TestOutcome: Codable, Sendable {
    public enum Kind: String, Codable, Sendable {
        /// Returned plain data: blob `blob` holds it.
        case value
        /// Returned plain data, sent as its digest.
        case digest
        /// Returned something that is not plain data (`detail` names it).
        case notPlain
        case tooLarge
        /// Returned one of its own arguments, or a container held in one,
        /// instead of a new object.
        case aliased
        /// Did not return: `status` says how it ended, `ending` or `detail` why.
        case error
    }
    public var index: Int
    public var kind: Kind
    public var status: TestStatus?
    /// For an error: how the child ended, when the worker stopped it.
    public var ending: Ending?
    public var blob: Int?
    public var digest: String?
    /// The child's own words, candidate-controlled: an exception it raised
    /// (`error`), the type of what it returned (`notPlain`).
    public var detail: String?
    public var inputMutated = false
    /// The test's CPU time, all the child's threads, read by the worker from
    /// the kernel (the harness's encoding of the result included).
    public var cpuMs: Double = 0
    public var peakKiB: Int = 0
    /// What it printed, as far as kept (visible tests only), and how many
    /// bytes it printed in all.
    public var output: String?
    /// How much of a visible test's output the worker keeps: the one
    /// figure the worker cuts at and every report names.
    public static let keptOutputBytes = Int(PG_KEPT_OUTPUT_BYTES)
    public var outputBytes = 0

    public init(index: Int, kind: Kind) {
        self.index = index
        self.kind = kind
    }
}

/// Where a job's time went, as the worker saw it (milliseconds).
public struct JobTiming: Codable, Sendable {
    /// The compile child (0 when the worker had the code already).
    public var compileMs: Double = 0
    public var forkMs: Double = 0
    public var loadMs: Double = 0
    public var testsMs: Double = 0
    public var reapMs: Double = 0
    public var totalMs: Double = 0
    public var children = 0
    public init() {}
}

public struct PrepareResponse: Codable, Sendable {
    public var ok: Bool
    public var error: String?
    public var milliseconds: Double
    /// In the worker's hello only: its sandbox layers, active or not.
    public var sandbox: [SandboxLayer]?
    public init(ok: Bool, error: String? = nil, milliseconds: Double, sandbox: [SandboxLayer]? = nil) {
        self.ok = ok
        self.error = error
        self.milliseconds = milliseconds
        self.sandbox = sandbox
    }
}
