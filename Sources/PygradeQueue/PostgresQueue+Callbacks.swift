import Foundation
import PostgresNIO

/// The callbacks of ended jobs, claimed by API nodes the way jobs are
/// claimed by workers: a claim holds a token until `callback_next_at`, after
/// which another node may take the callback over.
extension PostgresQueue {
    public func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask] {
        guard limit > 0 else { return [] }
        return try await rows(
            """
            WITH due AS (
                SELECT id FROM pygrade_jobs
                WHERE callback_state IN ('pending', 'claimed') AND callback_next_at <= now()
                ORDER BY callback_next_at, seq FOR UPDATE SKIP LOCKED LIMIT \(limit))
            UPDATE pygrade_jobs j SET callback_state = 'claimed', callback_token = gen_random_uuid()::text,
                callback_next_at = now() + make_interval(secs => \(leaseSeconds))
            FROM due WHERE j.id = due.id
            RETURNING j.id, j.callback_url, j.callback_token, j.callback_tries
            """
        ) { row in
            let (id, url, token, tries) = try row.decode((String, String, String, Int).self)
            return CallbackTask(jobID: id, url: url, token: token, tries: tries)
        }
    }

    public func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws {
        let state = delivered ? "delivered" : "abandoned"
        _ = try await rows(
            """
            UPDATE pygrade_jobs SET callback_state = \(state), callback_tries = callback_tries + 1,
                callback_error = \(reason), callback_token = NULL, callback_next_at = NULL
            WHERE id = \(task.jobID) AND callback_token = \(task.token) AND callback_state = 'claimed'
            """
        ) { _ in true }
    }

    public func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws {
        _ = try await rows(
            """
            UPDATE pygrade_jobs SET callback_state = 'pending', callback_tries = callback_tries + 1,
                callback_error = \(reason), callback_token = NULL,
                callback_next_at = now() + make_interval(secs => \(max(0, delay)))
            WHERE id = \(task.jobID) AND callback_token = \(task.token) AND callback_state = 'claimed'
            """
        ) { _ in true }
    }
}
