import Foundation
import GRDB

/// The tables of the SQLite queue, created on open. Times are seconds since
/// 1970 (REAL); `seq` keeps the order of creation for jobs made in the same
/// instant. The callback columns hold each job's callback: `pending` once the
/// job ends with a callback URL, then `claimed` by one API node (until
/// `callback_next_at`), then `delivered` or `abandoned`.
enum SQLiteSchema {
    static let version = 1

    static let statements = """
        CREATE TABLE IF NOT EXISTS pygrade_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS pygrade_jobs (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id TEXT NOT NULL UNIQUE,
            state TEXT NOT NULL,
            priority INTEGER NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            max_attempts INTEGER NOT NULL,
            owner TEXT NOT NULL,
            idempotency_key TEXT,
            request_sha256 TEXT NOT NULL,
            batch_id TEXT,
            payload BLOB NOT NULL,
            exercises_sha256 TEXT NOT NULL,
            callback_url TEXT,
            result BLOB,
            error TEXT,
            created_at REAL NOT NULL,
            claimed_at REAL,
            finished_at REAL,
            lease_token TEXT,
            lease_owner TEXT,
            lease_expires_at REAL,
            callback_state TEXT,
            callback_tries INTEGER NOT NULL DEFAULT 0,
            callback_next_at REAL,
            callback_token TEXT,
            callback_error TEXT,
            UNIQUE (owner, idempotency_key)
        );
        CREATE INDEX IF NOT EXISTS pygrade_jobs_claim ON pygrade_jobs (state, exercises_sha256, priority, created_at, seq);
        CREATE INDEX IF NOT EXISTS pygrade_jobs_lease ON pygrade_jobs (state, lease_expires_at);
        CREATE INDEX IF NOT EXISTS pygrade_jobs_owner ON pygrade_jobs (owner, state);
        CREATE INDEX IF NOT EXISTS pygrade_jobs_callback ON pygrade_jobs (callback_state, callback_next_at);
        CREATE TABLE IF NOT EXISTS pygrade_batches (id TEXT PRIMARY KEY, owner TEXT NOT NULL, created_at REAL NOT NULL);
        CREATE TABLE IF NOT EXISTS pygrade_batch_jobs (
            batch_id TEXT NOT NULL,
            position INTEGER NOT NULL,
            job_id TEXT NOT NULL,
            PRIMARY KEY (batch_id, position)
        );
        INSERT INTO pygrade_meta (key, value) VALUES ('schema_version', '1') ON CONFLICT (key) DO NOTHING;
        """

    /// Creates what is missing, and refuses a file written by a newer schema.
    static func migrate(_ db: Database, path: String) throws {
        try db.execute(sql: statements)
        let stored = try String.fetchOne(db, sql: "SELECT value FROM pygrade_meta WHERE key = 'schema_version'")
        guard let stored, let number = Int(stored) else {
            throw QueueError(.corrupt, "The SQLite queue at \(path) has no readable schema version.")
        }
        if number > version {
            throw QueueError(
                .corrupt, "The SQLite queue at \(path) has schema version \(number), newer than this pygrade's \(version).")
        }
    }

    /// The columns a `JobRecord` is read from, in `record(_:)`'s order.
    static let recordColumns = """
        id, state, attempts, max_attempts, owner, batch_id, payload, exercises_sha256, callback_url, result, error,
        created_at, claimed_at, finished_at, lease_expires_at
        """

    static func record(_ row: Row, path: String) throws -> JobRecord {
        let stateName: String = row["state"]
        guard let state = JobState(rawValue: stateName) else {
            throw QueueError(.corrupt, "The SQLite queue at \(path) holds a job in the unknown state '\(stateName)'.")
        }
        return JobRecord(
            id: row["id"], state: state, attempts: row["attempts"], maxAttempts: row["max_attempts"], owner: row["owner"],
            batchID: row["batch_id"], payload: row["payload"], exercisesSHA256: row["exercises_sha256"],
            callbackURL: row["callback_url"], result: row["result"], error: row["error"],
            createdAt: Date(timeIntervalSince1970: row["created_at"]), claimedAt: date(row["claimed_at"]),
            finishedAt: date(row["finished_at"]),
            leaseExpiresAt: date(row["lease_expires_at"]))
    }

    static func date(_ seconds: Double?) -> Date? { seconds.map(Date.init(timeIntervalSince1970:)) }
}
