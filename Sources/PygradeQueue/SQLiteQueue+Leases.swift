import Foundation
import GRDB

/// Claims and what a lease holder may do. Every write names the lease token,
/// so a worker whose lease expired and was claimed again changes nothing.
extension SQLiteQueue {
    /// What a job that ends (done or failed) sets on its callback: pending
    /// now when it has a URL.
    static let callbackOnEnd = """
        callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END,
        callback_next_at = CASE WHEN callback_url IS NULL THEN NULL ELSE :now END,
        callback_tries = 0, callback_token = NULL, callback_error = NULL
        """

    public func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease? {
        let token = QueueID.token()
        return try await write { db in
            let now = Self.now()
            // A job whose lease expired after its last attempt is dead: a
            // worker was killed on it every time.
            try db.execute(
                sql: """
                    UPDATE pygrade_jobs SET state = 'failed', finished_at = :now,
                        error = 'lease expired after ' || attempts || ' attempts',
                        lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, \(Self.callbackOnEnd)
                    WHERE state = 'running' AND lease_expires_at < :now AND attempts >= max_attempts
                    """, arguments: ["now": now])
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE pygrade_jobs SET state = 'running', attempts = attempts + 1, lease_token = :token,
                        lease_owner = :worker, claimed_at = :now, lease_expires_at = :expiry
                    WHERE id = (
                        SELECT id FROM pygrade_jobs
                        WHERE exercises_sha256 = :hash
                            AND (state = 'queued' OR (state = 'running' AND lease_expires_at < :now))
                        ORDER BY priority, created_at, seq LIMIT 1)
                    RETURNING id, payload, attempts, created_at
                    """,
                arguments: [
                    "token": token, "worker": worker, "now": now, "expiry": now + leaseSeconds,
                    "hash": exercisesSHA256,
                ])
            guard let row else { return nil }
            return Lease(
                jobID: row["id"], token: token, payload: row["payload"], attempt: row["attempts"],
                createdAt: Date(timeIntervalSince1970: row["created_at"]), claimedAt: Date(timeIntervalSince1970: now))
        }
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool {
        try await changed(
            "UPDATE pygrade_jobs SET lease_expires_at = :now + :seconds",
            lease, ["seconds": leaseSeconds.databaseValue])
    }

    public func complete(_ lease: Lease, result: Data) async throws -> Bool {
        let done = try await changed(
            """
            UPDATE pygrade_jobs SET state = 'done', result = :result, error = NULL, finished_at = :now,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, \(Self.callbackOnEnd)
            """, lease, ["result": result.databaseValue])
        if done { ends.fire(key: lease.jobID) }
        return done
    }

    public func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool {
        // Back to the queue while attempts remain, else the dead letter.
        let requeue = """
            UPDATE pygrade_jobs SET state = 'queued', error = :reason,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            """
        let kill = """
            UPDATE pygrade_jobs SET state = 'failed', error = :reason, finished_at = :now,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, \(Self.callbackOnEnd)
            """
        let outcome = try await changed(
            [(requeue, "AND :retry AND attempts < max_attempts"), (kill, "")], lease,
            ["reason": reason.databaseValue, "retry": retry.databaseValue])
        if outcome == 0 { wake.fire() }
        if outcome == 1 { ends.fire(key: lease.jobID) }
        return outcome != nil
    }

    public func release(_ lease: Lease) async throws -> Bool {
        // The attempt was not spent: the worker is stopping, not failing.
        let released = try await changed(
            """
            UPDATE pygrade_jobs SET state = 'queued', attempts = MAX(attempts - 1, 0), claimed_at = NULL,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            """, lease, [:])
        if released { wake.fire() }
        return released
    }

    public func requeue(_ id: String) async throws -> Bool {
        let requeued = try await write { db in
            try db.execute(
                sql: """
                    UPDATE pygrade_jobs SET state = 'queued', attempts = 0, error = NULL, result = NULL,
                        finished_at = NULL, claimed_at = NULL, callback_state = NULL, callback_next_at = NULL,
                        callback_tries = 0, callback_token = NULL, callback_error = NULL
                    WHERE id = ? AND state = 'failed'
                    """, arguments: [id])
            return db.changesCount == 1
        }
        if requeued { wake.fire() }
        return requeued
    }

    /// Runs `update` on the lease's job while it is still running under this
    /// lease; whether it did.
    private func changed(_ update: String, _ lease: Lease, _ values: [String: DatabaseValue]) async throws -> Bool {
        try await changed([(update, "")], lease, values) != nil
    }

    /// Tries each update (with its extra condition) in one transaction until
    /// one changes the lease's job; the index of that one.
    private func changed(
        _ updates: [(sql: String, condition: String)], _ lease: Lease, _ values: [String: DatabaseValue]
    ) async throws -> Int? {
        try await write { db in
            var arguments = StatementArguments(values)
            arguments += ["now": Self.now(), "id": lease.jobID, "token": lease.token]
            for (index, update) in updates.enumerated() {
                try db.execute(
                    sql: "\(update.sql) WHERE id = :id AND lease_token = :token AND state = 'running' \(update.condition)",
                    arguments: arguments)
                if db.changesCount == 1 { return index }
            }
            return nil
        }
    }
}
