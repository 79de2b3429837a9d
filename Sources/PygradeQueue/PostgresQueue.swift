import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The queue for many machines: PostgreSQL through postgres-nio's pooled
/// `PostgresClient`, which runs in a task this object owns. Every time is the
/// database's `now()`, so the nodes' clocks never disagree about a lease.
public final class PostgresQueue: JobQueue {
    public let endpoint: PostgresEndpoint
    let client: PostgresClient
    let logger: Logger
    let wake = WakeSignal()
    /// Wakes `waitForEnd`: fired by the notifications of ended jobs, which
    /// name the job (`end:<id>`), from whichever node ended it.
    let ends = WakeSignal()
    /// How long one call may take before it is reported unreachable.
    let callSeconds: Double
    private let runTask: Task<Void, Never>
    private let listener = PostgresListener()
    private let closed = Atomic<Bool>(false)

    /// The channel NOTIFY'd when jobs become claimable (added, requeued,
    /// released, failed with attempts left: an empty payload) and when a job
    /// ends (`end:<id>`). One channel, so that one connection listens.
    static let channel = "pygrade_jobs"
    static let endPrefix = "end:"

    /// Connects, creates the tables when missing, and starts listening.
    public init(_ endpoint: PostgresEndpoint, callSeconds: Double = 10, logger: Logger = Logger(label: "pygrade.queue")) async throws {
        self.endpoint = endpoint
        self.logger = logger
        self.callSeconds = callSeconds
        // One direct connection first: a server that cannot be reached, or
        // refuses the password, is reported at once with its reason, where
        // the pool would keep retrying in silence.
        let configuration = try endpoint.connectionConfiguration()
        do {
            try await Deadline.run(seconds: callSeconds, onTimeout: { PostgresQueue.timeout(endpoint, seconds: callSeconds) }) {
                let connection = try await PostgresConnection.connect(configuration: configuration, id: 0, logger: logger)
                do {
                    try await PostgresSchema.migrate(connection, endpoint: endpoint, logger: logger)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try? await connection.close()
            }
        } catch {
            throw PostgresQueue.queueError(error, endpoint: endpoint)
        }
        let client = PostgresClient(configuration: endpoint.clientConfiguration(), backgroundLogger: logger)
        self.client = client
        runTask = Task { await client.run() }
        listener.start(client: client, channel: PostgresQueue.channel, wake: wake, ends: ends, logger: logger)
        await listener.waitUntilListening(timeout: 5)
    }

    // MARK: Access

    /// Runs `operation` within the call deadline, its errors as `QueueError`.
    func guarded<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let endpoint = endpoint
        let seconds = callSeconds
        do {
            return try await Deadline.run(seconds: seconds, onTimeout: { Self.timeout(endpoint, seconds: seconds) }, operation)
        } catch {
            throw Self.queueError(error, endpoint: endpoint)
        }
    }

    /// One statement (its own transaction), its rows decoded by `decode`.
    func rows<R: Sendable>(_ query: PostgresQuery, _ decode: @escaping @Sendable (PostgresRow) throws -> R) async throws -> [R] {
        let client = client
        let logger = logger
        return try await guarded {
            var decoded: [R] = []
            for try await row in try await client.query(query, logger: logger) { decoded.append(try decode(row)) }
            return decoded
        }
    }

    /// Wakes the waiting workers of every node (sent when the statement's
    /// transaction commits).
    func notify() async throws {
        _ = try await rows("SELECT pg_notify(\(Self.channel), '')") { _ in true }
    }

    /// Wakes the long-polls on job `id`, on every API node.
    func notifyEnd(_ id: String) async throws {
        _ = try await rows("SELECT pg_notify(\(Self.channel), \(Self.endPrefix + id))") { _ in true }
    }

    static func timeout(_ endpoint: PostgresEndpoint, seconds: Double) -> QueueError {
        QueueError(.unreachable, "The PostgreSQL queue at \(endpoint.redacted) did not answer within \(Int(seconds)) seconds.")
    }

    static func queueError(_ error: any Error, endpoint: PostgresEndpoint) -> QueueError {
        if let error = error as? QueueError { return error }
        if let error = error as? PostgresTransactionError,
            let inner = error.closureError ?? error.beginError ?? error.commitError ?? error.rollbackError
        {
            return queueError(inner, endpoint: endpoint)
        }
        let place = endpoint.redacted
        guard let error = error as? PSQLError else {
            return QueueError(.unreachable, "The PostgreSQL queue at \(place) cannot be reached: \(error).")
        }
        if error.code == .server, let info = error.serverInfo {
            let message = info[.message] ?? "no message"
            // Connection, authentication, resources, operator, unknown
            // database: the server is there but this node cannot use it.
            let unusable = ["08", "28", "53", "57", "3D"]
            if unusable.contains(where: { (info[.sqlState] ?? "").hasPrefix($0) }) {
                return QueueError(.unreachable, "The PostgreSQL queue at \(place) cannot be used: \(message).")
            }
            return QueueError(.corrupt, "The PostgreSQL queue at \(place) refused a statement: \(message).")
        }
        let reason = error.underlying.map { "\($0)" } ?? "\(error.code)"
        return QueueError(.unreachable, "The PostgreSQL queue at \(place) cannot be reached: \(reason).")
    }

    // MARK: Reading

    public func job(_ id: String) async throws -> JobRecord? {
        let endpoint = endpoint
        return try await rows("SELECT \(unescaped: PostgresSchema.recordColumns) FROM pygrade_jobs WHERE id = \(id)") {
            try PostgresSchema.record($0, endpoint: endpoint)
        }.first
    }

    public func batch(_ id: String) async throws -> BatchRecord? {
        // One statement: the ids and the states come from one snapshot.
        let found = try await rows(
            """
            SELECT b.owner, b.created_at, bj.job_id, j.state FROM pygrade_batches b
            LEFT JOIN pygrade_batch_jobs bj ON bj.batch_id = b.id LEFT JOIN pygrade_jobs j ON j.id = bj.job_id
            WHERE b.id = \(id) ORDER BY bj.position
            """
        ) { try $0.decode((String, Date, String?, String?).self) }
        guard let first = found.first else { return nil }
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        var jobIDs: [String] = []
        var done: [String] = []
        for (_, _, jobID, stateName) in found {
            guard let jobID else { continue }
            jobIDs.append(jobID)
            if let state = stateName.flatMap(JobState.init(rawValue:)) { counts[state, default: 0] += 1 }
            if stateName == JobState.done.rawValue { done.append(jobID) }
        }
        return BatchRecord(id: id, owner: first.0, jobIDs: jobIDs, counts: counts, createdAt: first.1, doneJobIDs: done)
    }

    public func counts() async throws -> [JobState: Int] {
        let found = try await rows("SELECT state, count(*) FROM pygrade_jobs GROUP BY state") {
            try $0.decode((String, Int).self)
        }
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for (name, count) in found {
            guard let state = JobState(rawValue: name) else {
                throw QueueError(.corrupt, "The PostgreSQL queue at \(endpoint.redacted) holds a job in the unknown state '\(name)'.")
            }
            counts[state] = count
        }
        return counts
    }

    public func pending(owner: String) async throws -> Int {
        try await rows("SELECT count(*) FROM pygrade_jobs WHERE owner = \(owner) AND state IN ('queued', 'running')") {
            try $0.decode(Int.self)
        }.first ?? 0
    }

    // MARK: Life

    public func waitForJobs(timeout: Double) async { await wake.wait(timeout: timeout) }
    public func waitForEnd(of id: String, timeout: Double) async { await ends.wait(key: id, timeout: timeout) }

    public func ping() async -> Bool {
        (try? await rows("SELECT 1") { try $0.decode(Int.self) }) == [1]
    }

    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        wake.fire()
        ends.fire()
        let listening = listener.stop()
        await listening?.value
        runTask.cancel()
        await runTask.value
    }
}
