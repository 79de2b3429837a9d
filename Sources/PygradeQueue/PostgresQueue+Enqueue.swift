import Foundation
import Logging
import PostgresNIO

/// Adding jobs: one transaction for the whole list (and its batch), with
/// `ON CONFLICT` on the owner's idempotency key, so two nodes given the same
/// key at the same time make one job.
extension PostgresQueue {
    /// Thrown inside the transaction to roll it back when a key conflicts.
    private struct Conflicted: Error { var outcomes: [EnqueueOutcome] }

    public func enqueue(_ jobs: [NewJob], batchOwner: String?) async throws -> (
        outcomes: [EnqueueOutcome], batchID: String?
    ) {
        let client = client
        let logger = logger
        return try await guarded {
            do {
                return try await client.withTransaction(logger: logger) { connection in
                    try await Self.insert(jobs, batchOwner: batchOwner, connection: connection, logger: logger)
                }
            } catch let error as PostgresTransactionError {
                if let conflicted = error.closureError as? Conflicted { return (conflicted.outcomes, nil) }
                throw error
            }
        }
    }

    private static func insert(
        _ jobs: [NewJob], batchOwner: String?, connection: PostgresConnection, logger: Logger
    ) async throws -> (outcomes: [EnqueueOutcome], batchID: String?) {
        let batchID = batchOwner.map { _ in QueueID.batch() }
        var outcomes: [EnqueueOutcome] = []
        for job in jobs {
            outcomes.append(try await insert(job, batchID: batchID, connection: connection, logger: logger))
        }
        if outcomes.contains(where: { if case .conflict = $0 { true } else { false } }) {
            throw Conflicted(outcomes: outcomes)
        }
        if let batchID, let batchOwner {
            try await connection.query(
                "INSERT INTO pygrade_batches (id, owner, created_at) VALUES (\(batchID), \(batchOwner), now())", logger: logger)
            let ids = outcomes.map(\.id)
            try await connection.query(
                """
                INSERT INTO pygrade_batch_jobs (batch_id, position, job_id)
                SELECT \(batchID), (t.n - 1)::integer, t.job_id FROM unnest(\(ids)::text[]) WITH ORDINALITY AS t(job_id, n)
                """, logger: logger)
        }
        if outcomes.contains(where: { if case .created = $0 { true } else { false } }) {
            try await connection.query("SELECT pg_notify('pygrade_jobs', '')", logger: logger)
        }
        return (outcomes, batchID)
    }

    /// Adds one job unless its owner's idempotency key is already taken.
    private static func insert(
        _ job: NewJob, batchID: String?, connection: PostgresConnection, logger: Logger
    ) async throws -> EnqueueOutcome {
        let id = QueueID.job()
        let inserted = try await connection.query(
            """
            INSERT INTO pygrade_jobs (id, state, priority, max_attempts, owner, idempotency_key, request_sha256,
                batch_id, payload, exercises_sha256, callback_url)
            VALUES (\(id), 'queued', \(job.priority), \(job.maxAttempts), \(job.owner), \(job.idempotencyKey),
                \(job.requestSHA256), \(batchID), \(job.payload), \(job.exercisesSHA256), \(job.callbackURL))
            ON CONFLICT (owner, idempotency_key) DO NOTHING RETURNING id
            """, logger: logger)
        for try await _ in inserted { return .created(id) }
        let existing = try await connection.query(
            """
            SELECT id, request_sha256 FROM pygrade_jobs WHERE owner = \(job.owner) AND idempotency_key = \(job.idempotencyKey)
            """, logger: logger)
        for try await row in existing {
            let (existingID, hash) = try row.decode((String, String).self)
            return hash == job.requestSHA256 ? .existing(existingID) : .conflict(existingID)
        }
        throw QueueError(.corrupt, "A job with idempotency key '\(job.idempotencyKey ?? "")' was neither added nor found.")
    }
}
