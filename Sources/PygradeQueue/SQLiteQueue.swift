import Foundation
import GRDB

/// The embedded queue: one SQLite file in WAL mode, shared by the processes
/// of one machine. SQLite has one writer at a time, so every change is a
/// single IMMEDIATE write transaction (GRDB's default for a pool) and a claim
/// needs no row locks: the transaction that picks a job also takes it.
public final class SQLiteQueue: JobQueue {
    public let path: String
    let pool: DatabasePool
    /// Wakes `waitForJobs` in this process; other processes poll.
    let wake = WakeSignal()
    /// Wakes `waitForEnd` in this process (`serve` with workers of its own);
    /// a job ended by another process is seen by polling.
    let ends = WakeSignal()

    /// Opens (and creates when missing) the queue file and its folder.
    public init(path: String) throws {
        self.path = path
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw QueueError(.unreachable, "The SQLite queue's folder \(folder.path) cannot be created: \(error.localizedDescription)")
        }
        var configuration = Configuration()
        configuration.label = "pygrade-queue"
        // Writers of other processes hold the lock for one short transaction:
        // wait for them rather than fail.
        configuration.busyMode = .timeout(15)
        configuration.prepareDatabase { db in
            // In WAL mode NORMAL loses nothing when a process is killed, only
            // on power loss, and spares an fsync per transaction.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
            try pool.write { db in try SQLiteSchema.migrate(db, path: path) }
        } catch {
            throw Self.queueError(error, path: path)
        }
    }

    // MARK: Access

    /// One write transaction, its errors as `QueueError`.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.write(updates)
        } catch {
            throw Self.queueError(error, path: path)
        }
    }

    func read<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do {
            return try await pool.read(value)
        } catch {
            throw Self.queueError(error, path: path)
        }
    }

    static func queueError(_ error: any Error, path: String) -> QueueError {
        if let error = error as? QueueError { return error }
        guard let error = error as? DatabaseError else {
            return QueueError(.unreachable, "The SQLite queue at \(path) cannot be used: \(error).")
        }
        let message = error.message ?? "\(error.resultCode)"
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT, .SQLITE_CONSTRAINT, .SQLITE_MISMATCH:
            return QueueError(.corrupt, "The SQLite queue at \(path) answered an unexpected error: \(message).")
        default:
            return QueueError(.unreachable, "The SQLite queue at \(path) cannot be used: \(message).")
        }
    }

    static func now() -> Double { Date().timeIntervalSince1970 }

    // MARK: Adding jobs

    /// Thrown inside the transaction to roll it back when a key conflicts.
    private struct Conflicted: Error { var outcomes: [EnqueueOutcome] }

    public func enqueue(_ jobs: [NewJob], batchOwner: String?) async throws -> (
        outcomes: [EnqueueOutcome], batchID: String?
    ) {
        do {
            let result = try await pool.write { db in
                let now = Self.now()
                let batchID = batchOwner.map { _ in QueueID.batch() }
                var outcomes: [EnqueueOutcome] = []
                for job in jobs {
                    outcomes.append(try Self.insert(job, batchID: batchID, now: now, db: db))
                }
                if outcomes.contains(where: { if case .conflict = $0 { true } else { false } }) {
                    throw Conflicted(outcomes: outcomes)
                }
                if let batchID, let batchOwner {
                    try db.execute(
                        sql: "INSERT INTO pygrade_batches (id, owner, created_at) VALUES (?, ?, ?)",
                        arguments: [batchID, batchOwner, now])
                    for (position, outcome) in outcomes.enumerated() {
                        try db.execute(
                            sql: "INSERT INTO pygrade_batch_jobs (batch_id, position, job_id) VALUES (?, ?, ?)",
                            arguments: [batchID, position, outcome.id])
                    }
                }
                return (outcomes: outcomes, batchID: batchID)
            }
            if result.outcomes.contains(where: { if case .created = $0 { true } else { false } }) { wake.fire() }
            return result
        } catch let conflicted as Conflicted {
            return (conflicted.outcomes, nil)
        } catch {
            throw Self.queueError(error, path: path)
        }
    }

    /// Adds one job unless its owner's idempotency key is already taken.
    private static func insert(_ job: NewJob, batchID: String?, now: Double, db: Database) throws -> EnqueueOutcome {
        if let key = job.idempotencyKey,
            let row = try Row.fetchOne(
                db, sql: "SELECT id, request_sha256 FROM pygrade_jobs WHERE owner = ? AND idempotency_key = ?",
                arguments: [job.owner, key])
        {
            let id: String = row["id"]
            let hash: String = row["request_sha256"]
            return hash == job.requestSHA256 ? .existing(id) : .conflict(id)
        }
        let id = QueueID.job()
        try db.execute(
            sql: """
                INSERT INTO pygrade_jobs (id, state, priority, max_attempts, owner, idempotency_key, request_sha256,
                    batch_id, payload, exercises_sha256, callback_url, created_at)
                VALUES (?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                id, job.priority, job.maxAttempts, job.owner, job.idempotencyKey, job.requestSHA256, batchID, job.payload,
                job.exercisesSHA256, job.callbackURL, now,
            ])
        return .created(id)
    }

    // MARK: Reading

    public func job(_ id: String) async throws -> JobRecord? {
        let path = path
        return try await read { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteSchema.recordColumns) FROM pygrade_jobs WHERE id = ?", arguments: [id])
                .map { try SQLiteSchema.record($0, path: path) }
        }
    }

    public func batch(_ id: String) async throws -> BatchRecord? {
        let path = path
        return try await read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT owner, created_at FROM pygrade_batches WHERE id = ?", arguments: [id])
            else { return nil }
            let jobs = try Row.fetchAll(
                db,
                sql: """
                    SELECT b.job_id AS id, j.state AS state FROM pygrade_batch_jobs b LEFT JOIN pygrade_jobs j ON j.id = b.job_id
                    WHERE b.batch_id = ? ORDER BY b.position
                    """, arguments: [id])
            let jobIDs: [String] = jobs.map { $0["id"] }
            let done: [String] = jobs.filter { ($0["state"] as String?) == JobState.done.rawValue }.map { $0["id"] }
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT j.state AS state, COUNT(*) AS n FROM pygrade_batch_jobs b JOIN pygrade_jobs j ON j.id = b.job_id
                    WHERE b.batch_id = ? GROUP BY j.state
                    """, arguments: [id])
            return BatchRecord(
                id: id, owner: row["owner"], jobIDs: jobIDs, counts: try Self.counts(rows, path: path),
                createdAt: Date(timeIntervalSince1970: row["created_at"]), doneJobIDs: done)
        }
    }

    public func counts() async throws -> [JobState: Int] {
        let path = path
        return try await read { db in
            try Self.counts(
                Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM pygrade_jobs GROUP BY state"), path: path)
        }
    }

    /// Every state, 0 when no row names it.
    private static func counts(_ rows: [Row], path: String) throws -> [JobState: Int] {
        var counts = Dictionary(uniqueKeysWithValues: JobState.allCases.map { ($0, 0) })
        for row in rows {
            let name: String = row["state"]
            guard let state = JobState(rawValue: name) else {
                throw QueueError(.corrupt, "The SQLite queue at \(path) holds a job in the unknown state '\(name)'.")
            }
            counts[state] = row["n"]
        }
        return counts
    }

    public func pending(owner: String) async throws -> Int {
        try await read { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM pygrade_jobs WHERE owner = ? AND state IN ('queued', 'running')",
                arguments: [owner]) ?? 0
        }
    }

    // MARK: Life

    public func waitForJobs(timeout: Double) async { await wake.wait(timeout: timeout) }
    public func waitForEnd(of id: String, timeout: Double) async { await ends.wait(key: id, timeout: timeout) }

    public func ping() async -> Bool {
        (try? await read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    public func close() async {
        wake.fire()
        ends.fire()
        try? pool.close()
    }
}
