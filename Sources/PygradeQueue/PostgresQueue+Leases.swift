import Foundation
import PostgresNIO

/// Claims and what a lease holder may do, each one statement. A claim takes
/// the first free row with `FOR UPDATE SKIP LOCKED`, so concurrent workers
/// never wait on, nor take, the same job; every later write names the token.
extension PostgresQueue {
    static let callbackOnEnd = """
        callback_state = CASE WHEN callback_url IS NULL THEN NULL ELSE 'pending' END,
        callback_next_at = CASE WHEN callback_url IS NULL THEN NULL ELSE now() END,
        callback_tries = 0, callback_token = NULL, callback_error = NULL
        """

    public func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease? {
        let token = QueueID.token()
        // The first CTE puts the jobs whose lease expired after their last
        // attempt in the dead letter; the claim skips them.
        return try await rows(
            """
            WITH dead AS (
                UPDATE pygrade_jobs SET state = 'failed', finished_at = now(),
                    error = 'lease expired after ' || attempts || ' attempts',
                    lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, \(unescaped: Self.callbackOnEnd)
                WHERE id IN (
                    SELECT id FROM pygrade_jobs
                    WHERE state = 'running' AND lease_expires_at < now() AND attempts >= max_attempts
                    FOR UPDATE SKIP LOCKED)
                RETURNING id
            ), next AS (
                SELECT id FROM pygrade_jobs
                WHERE exercises_sha256 = \(exercisesSHA256) AND (state = 'queued'
                    OR (state = 'running' AND lease_expires_at < now() AND attempts < max_attempts))
                ORDER BY priority, created_at, seq
                FOR UPDATE SKIP LOCKED LIMIT 1
            )
            UPDATE pygrade_jobs j SET state = 'running', attempts = j.attempts + 1, lease_token = \(token),
                lease_owner = \(worker), claimed_at = now(), lease_expires_at = now() + make_interval(secs => \(leaseSeconds))
            FROM next WHERE j.id = next.id
            RETURNING j.id, j.payload, j.attempts, j.created_at, j.claimed_at
            """
        ) { row in
            let (id, payload, attempt, createdAt, claimedAt) = try row.decode((String, Data, Int, Date, Date).self)
            return Lease(jobID: id, token: token, payload: payload, attempt: attempt, createdAt: createdAt, claimedAt: claimedAt)
        }.first
    }

    public func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool {
        try await changed(
            "UPDATE pygrade_jobs SET lease_expires_at = now() + make_interval(secs => \(leaseSeconds))", lease)
    }

    public func complete(_ lease: Lease, result: Data) async throws -> Bool {
        let done = try await changed(
            """
            UPDATE pygrade_jobs SET state = 'done', result = \(result), error = NULL, finished_at = now(),
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL, \(unescaped: Self.callbackOnEnd)
            """, lease)
        if done { try await notifyEnd(lease.jobID) }
        return done
    }

    public func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool {
        // `again`: back to the queue while attempts remain, else the dead letter.
        let outcome = try await rows(
            """
            WITH target AS (
                SELECT id, (\(retry) AND attempts < max_attempts) AS again FROM pygrade_jobs
                WHERE id = \(lease.jobID) AND lease_token = \(lease.token) AND state = 'running' FOR UPDATE)
            UPDATE pygrade_jobs j SET state = CASE WHEN t.again THEN 'queued' ELSE 'failed' END, error = \(reason),
                finished_at = CASE WHEN t.again THEN NULL ELSE now() END,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL,
                callback_state = CASE WHEN t.again OR j.callback_url IS NULL THEN NULL ELSE 'pending' END,
                callback_next_at = CASE WHEN t.again OR j.callback_url IS NULL THEN NULL ELSE now() END,
                callback_tries = 0, callback_token = NULL, callback_error = NULL
            FROM target t WHERE j.id = t.id
            RETURNING t.again
            """
        ) { try $0.decode(Bool.self) }
        guard let again = outcome.first else { return false }
        if again { try await notify() } else { try await notifyEnd(lease.jobID) }
        return true
    }

    public func release(_ lease: Lease) async throws -> Bool {
        // The attempt was not spent: the worker is stopping, not failing.
        let released = try await changed(
            """
            UPDATE pygrade_jobs SET state = 'queued', attempts = GREATEST(attempts - 1, 0), claimed_at = NULL,
                lease_token = NULL, lease_owner = NULL, lease_expires_at = NULL
            """, lease)
        if released { try await notify() }
        return released
    }

    public func requeue(_ id: String) async throws -> Bool {
        let requeued = try await rows(
            """
            UPDATE pygrade_jobs SET state = 'queued', attempts = 0, error = NULL, result = NULL,
                finished_at = NULL, claimed_at = NULL, callback_state = NULL, callback_next_at = NULL,
                callback_tries = 0, callback_token = NULL, callback_error = NULL
            WHERE id = \(id) AND state = 'failed' RETURNING id
            """
        ) { _ in true }
        if !requeued.isEmpty { try await notify() }
        return !requeued.isEmpty
    }

    /// Runs `update` on the lease's job while it is still running under this
    /// lease; whether it did.
    private func changed(_ update: PostgresQuery, _ lease: Lease) async throws -> Bool {
        var query = update
        query.sql += " WHERE id = $\(query.binds.count + 1) AND lease_token = $\(query.binds.count + 2) AND state = 'running' RETURNING id"
        query.binds.append(lease.jobID)
        query.binds.append(lease.token)
        return try await !rows(query) { _ in true }.isEmpty
    }
}
