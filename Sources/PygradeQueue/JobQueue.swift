import Foundation

/// Where a submission is in its life. `failed` is the dead letter: a job
/// whose last attempt ended without a report (a worker killed each time, a
/// grader error), or one a worker refused; only `requeue` takes it back.
public enum JobState: String, Codable, Sendable, CaseIterable {
    case queued, running, done, failed
}

/// A job to add. The queue treats `payload` as opaque bytes (the service
/// stores its submission request there, as JSON).
public struct NewJob: Sendable, Equatable {
    public var payload: Data
    /// The hash of the exercise catalog the API node checked the request
    /// against: only a worker holding the same exercises claims it.
    public var exercisesSHA256: String
    /// The API key's id ("local" when the server has no keys).
    public var owner: String
    /// The client's `Idempotency-Key`, unique per owner, with the hash of
    /// the request it came with: the same key and body give the same id, the
    /// same key with another body is a conflict.
    public var idempotencyKey: String?
    public var requestSHA256: String
    /// Where the report is posted when the job ends (sent by the API node).
    public var callbackURL: String?
    public var maxAttempts: Int
    /// Claimed lowest first (0 before 5), then oldest first.
    public var priority: Int

    public init(
        payload: Data, exercisesSHA256: String, owner: String, idempotencyKey: String? = nil, requestSHA256: String,
        callbackURL: String? = nil, maxAttempts: Int = 3, priority: Int = 0
    ) {
        self.payload = payload
        self.exercisesSHA256 = exercisesSHA256
        self.owner = owner
        self.idempotencyKey = idempotencyKey
        self.requestSHA256 = requestSHA256
        self.callbackURL = callbackURL
        self.maxAttempts = maxAttempts
        self.priority = priority
    }
}

/// What `enqueue` did with one job.
public enum EnqueueOutcome: Sendable, Equatable {
    /// A new job with this id.
    case created(String)
    /// The owner's idempotency key was seen with the same request: its job.
    case existing(String)
    /// The owner's idempotency key was seen with another request: that job's id.
    case conflict(String)

    public var id: String {
        switch self {
        case .created(let id), .existing(let id), .conflict(let id): id
        }
    }
}

/// A job as stored.
public struct JobRecord: Sendable, Equatable {
    public var id: String
    public var state: JobState
    public var attempts: Int
    public var maxAttempts: Int
    public var owner: String
    public var batchID: String?
    public var payload: Data
    public var exercisesSHA256: String
    public var callbackURL: String?
    /// The report (JSON) once `done`.
    public var result: Data?
    /// Why it is `failed`, or why its last attempt ended without a report.
    public var error: String?
    public var createdAt: Date
    public var claimedAt: Date?
    public var finishedAt: Date?
    public var leaseExpiresAt: Date?

    public init(
        id: String, state: JobState, attempts: Int, maxAttempts: Int, owner: String, batchID: String?, payload: Data,
        exercisesSHA256: String, callbackURL: String?, result: Data?, error: String?, createdAt: Date, claimedAt: Date?,
        finishedAt: Date?, leaseExpiresAt: Date?
    ) {
        self.id = id
        self.state = state
        self.attempts = attempts
        self.maxAttempts = maxAttempts
        self.owner = owner
        self.batchID = batchID
        self.payload = payload
        self.exercisesSHA256 = exercisesSHA256
        self.callbackURL = callbackURL
        self.result = result
        self.error = error
        self.createdAt = createdAt
        self.claimedAt = claimedAt
        self.finishedAt = finishedAt
        self.leaseExpiresAt = leaseExpiresAt
    }
}

/// One claim of a job by one worker. Every write about the job names the
/// token: a worker whose lease expired and was taken by another changes
/// nothing.
public struct Lease: Sendable, Equatable {
    public var jobID: String
    public var token: String
    public var payload: Data
    /// Counted at claim: 1 for the first claim.
    public var attempt: Int
    public var createdAt: Date
    public var claimedAt: Date

    public init(jobID: String, token: String, payload: Data, attempt: Int, createdAt: Date, claimedAt: Date) {
        self.jobID = jobID
        self.token = token
        self.payload = payload
        self.attempt = attempt
        self.createdAt = createdAt
        self.claimedAt = claimedAt
    }
}

/// A batch: its jobs' ids in submission order, and how many are in each state.
public struct BatchRecord: Sendable, Equatable {
    public var id: String
    public var owner: String
    public var jobIDs: [String]
    public var counts: [JobState: Int]
    public var createdAt: Date
    /// The jobs among `jobIDs` that are done (in the same snapshot as the
    /// counts), in order: only their results need to be read.
    public var doneJobIDs: [String]

    public init(
        id: String, owner: String, jobIDs: [String], counts: [JobState: Int], createdAt: Date, doneJobIDs: [String] = []
    ) {
        self.id = id
        self.owner = owner
        self.jobIDs = jobIDs
        self.counts = counts
        self.createdAt = createdAt
        self.doneJobIDs = doneJobIDs
    }
}

/// A callback to send: a job that ended with a `callback_url`, claimed by one
/// API node for a while (the same lease idea as jobs).
public struct CallbackTask: Sendable, Equatable {
    public var jobID: String
    public var url: String
    public var token: String
    /// Tries made before this one.
    public var tries: Int

    public init(jobID: String, url: String, token: String, tries: Int) {
        self.jobID = jobID
        self.url = url
        self.token = token
        self.tries = tries
    }
}

/// Why a queue call failed: the store cannot be reached (the API answers
/// 503), or it answered something this code does not expect.
public struct QueueError: Error, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable {
        case unreachable
        case corrupt
        case badURL
    }
    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

/// The one interface of the two drivers (SQLiteQueue, the embedded default,
/// and PostgresQueue). Every method is one transaction.
public protocol JobQueue: Sendable {
    /// Adds jobs atomically (all or none); with `batchOwner` they also form
    /// one new batch, whose id is returned. Idempotency keys are looked up
    /// per owner before anything is added. When any job is a `.conflict`,
    /// nothing is added and no batch is made: the outcomes still say which
    /// jobs conflict, but their `.created` ids name jobs that were not stored.
    func enqueue(_ jobs: [NewJob], batchOwner: String?) async throws -> (outcomes: [EnqueueOutcome], batchID: String?)

    func job(_ id: String) async throws -> JobRecord?
    func batch(_ id: String) async throws -> BatchRecord?

    /// Claims the oldest queued job (by priority, then age) whose exercises
    /// hash is `exercisesSHA256`, or a `running` one whose lease expired: the
    /// attempt count goes up, and a job whose lease expired after its last
    /// attempt becomes `failed` ("lease expired N times") instead.
    func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease?
    /// Renews the lease; false when it is no longer this lease's.
    func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool
    /// Stores the report and marks the job `done`, only under this lease.
    func complete(_ lease: Lease, result: Data) async throws -> Bool
    /// Ends an attempt without a report: back to `queued` when attempts
    /// remain and `retry` is set, else `failed` with the reason.
    func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool
    /// Gives a claimed job back untouched (graceful shutdown): `queued`
    /// again, and this attempt is not counted.
    func release(_ lease: Lease) async throws -> Bool
    /// Takes a `failed` job back to `queued` with its attempts reset.
    func requeue(_ id: String) async throws -> Bool

    /// How many jobs are in each state (every state present, 0 when none).
    func counts() async throws -> [JobState: Int]
    /// Queued and running jobs of one owner (the per-key quota).
    func pending(owner: String) async throws -> Int

    /// Claims up to `limit` callbacks that are due (their job ended, not yet
    /// delivered, next try time passed) for `leaseSeconds`.
    func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask]
    /// The callback was delivered (2xx), or is given up with a reason.
    func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws
    /// The callback failed this time: tried again after `delay` seconds.
    func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws

    /// Returns when a job may have been added (LISTEN/NOTIFY where the
    /// driver has it), or after `timeout` seconds: polling is the fallback.
    func waitForJobs(timeout: Double) async
    /// Returns when job `id` may have ended (`done` or `failed`): this
    /// process's own writes signal it, and so does NOTIFY where the driver
    /// has it; otherwise after `timeout` seconds (polling is the fallback).
    /// The API's long-poll waits here.
    func waitForEnd(of id: String, timeout: Double) async
    /// Whether the store answers (for /readyz).
    func ping() async -> Bool
    func close() async
}
