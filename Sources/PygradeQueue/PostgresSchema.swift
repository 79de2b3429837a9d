import Foundation
import PostgresNIO

/// The tables of the PostgreSQL queue, created on open (the same columns as
/// the SQLite queue's, with database times). Partial indexes keep the claim
/// and the callback scans on the few rows still in play.
enum PostgresSchema {
    static let version = 1

    /// One statement each: the extended protocol takes one at a time.
    static let statements: [String] = [
        "CREATE TABLE IF NOT EXISTS pygrade_meta (key text PRIMARY KEY, value text NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS pygrade_jobs (
            seq bigint GENERATED ALWAYS AS IDENTITY,
            id text PRIMARY KEY,
            state text NOT NULL,
            priority integer NOT NULL,
            attempts integer NOT NULL DEFAULT 0,
            max_attempts integer NOT NULL,
            owner text NOT NULL,
            idempotency_key text,
            request_sha256 text NOT NULL,
            batch_id text,
            payload bytea NOT NULL,
            exercises_sha256 text NOT NULL,
            callback_url text,
            result bytea,
            error text,
            created_at timestamptz NOT NULL DEFAULT now(),
            claimed_at timestamptz,
            finished_at timestamptz,
            lease_token text,
            lease_owner text,
            lease_expires_at timestamptz,
            callback_state text,
            callback_tries integer NOT NULL DEFAULT 0,
            callback_next_at timestamptz,
            callback_token text,
            callback_error text,
            UNIQUE (owner, idempotency_key)
        )
        """,
        """
        CREATE INDEX IF NOT EXISTS pygrade_jobs_queued ON pygrade_jobs (exercises_sha256, priority, created_at, seq)
        WHERE state = 'queued'
        """,
        "CREATE INDEX IF NOT EXISTS pygrade_jobs_running ON pygrade_jobs (lease_expires_at) WHERE state = 'running'",
        "CREATE INDEX IF NOT EXISTS pygrade_jobs_owner ON pygrade_jobs (owner) WHERE state IN ('queued', 'running')",
        """
        CREATE INDEX IF NOT EXISTS pygrade_jobs_callbacks ON pygrade_jobs (callback_next_at)
        WHERE callback_state IN ('pending', 'claimed')
        """,
        "CREATE TABLE IF NOT EXISTS pygrade_batches (id text PRIMARY KEY, owner text NOT NULL, created_at timestamptz NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS pygrade_batch_jobs (
            batch_id text NOT NULL, position integer NOT NULL, job_id text NOT NULL, PRIMARY KEY (batch_id, position))
        """,
        "INSERT INTO pygrade_meta (key, value) VALUES ('schema_version', '1') ON CONFLICT (key) DO NOTHING",
    ]

    /// Creates what is missing in one transaction, under an advisory lock:
    /// two nodes starting together would otherwise race on the catalog.
    static func migrate(_ connection: PostgresConnection, endpoint: PostgresEndpoint, logger: Logger) async throws {
        try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(7311157303)", logger: logger)
            for statement in statements {
                try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
            }
            let rows = try await connection.query(
                "SELECT value FROM pygrade_meta WHERE key = 'schema_version'", logger: logger)
            var stored: String?
            for try await row in rows { stored = try row.decode(String.self) }
            guard let stored, let number = Int(stored) else {
                throw QueueError(.corrupt, "The PostgreSQL queue at \(endpoint.redacted) has no readable schema version.")
            }
            if number > version {
                throw QueueError(
                    .corrupt,
                    "The PostgreSQL queue at \(endpoint.redacted) has schema version \(number), newer than this pygrade's \(version).")
            }
        }
    }

    /// The columns a `JobRecord` is read from, in `record(_:)`'s order.
    static let recordColumns = """
        id, state, attempts, max_attempts, owner, batch_id, payload, exercises_sha256, callback_url, result, error,
        created_at, claimed_at, finished_at, lease_expires_at
        """

    static func record(_ row: PostgresRow, endpoint: PostgresEndpoint) throws -> JobRecord {
        let (id, stateName, attempts, maxAttempts, owner, batchID, payload, hash, callbackURL, result, error) =
            try row.decode(
                (String, String, Int, Int, String, String?, Data, String, String?, Data?, String?).self)
        let times = row.makeRandomAccess()
        let createdAt = try times["created_at"].decode(Date.self)
        let claimedAt = try times["claimed_at"].decode(Date?.self)
        let finishedAt = try times["finished_at"].decode(Date?.self)
        let expiry = try times["lease_expires_at"].decode(Date?.self)
        guard let state = JobState(rawValue: stateName) else {
            throw QueueError(.corrupt, "The PostgreSQL queue at \(endpoint.redacted) holds a job in the unknown state '\(stateName)'.")
        }
        return JobRecord(
            id: id, state: state, attempts: attempts, maxAttempts: maxAttempts, owner: owner, batchID: batchID,
            payload: payload, exercisesSHA256: hash, callbackURL: callbackURL, result: result, error: error,
            createdAt: createdAt, claimedAt: claimedAt, finishedAt: finishedAt, leaseExpiresAt: expiry)
    }
}
