import Foundation
import GRDB

/// The callbacks of ended jobs, claimed by API nodes the way jobs are
/// claimed by workers: a claim holds a token until `callback_next_at`, after
/// which another node may take the callback over.
extension SQLiteQueue {
    public func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask] {
        guard limit > 0 else { return [] }
        return try await write { db in
            let now = Self.now()
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, callback_url, callback_tries FROM pygrade_jobs
                    WHERE callback_state IN ('pending', 'claimed') AND callback_next_at <= ?
                    ORDER BY callback_next_at, seq LIMIT ?
                    """, arguments: [now, limit])
            var tasks: [CallbackTask] = []
            for row in rows {
                let task = CallbackTask(
                    jobID: row["id"], url: row["callback_url"], token: QueueID.token(), tries: row["callback_tries"])
                try db.execute(
                    sql: """
                        UPDATE pygrade_jobs SET callback_state = 'claimed', callback_token = ?, callback_next_at = ?
                        WHERE id = ?
                        """, arguments: [task.token, now + leaseSeconds, task.jobID])
                tasks.append(task)
            }
            return tasks
        }
    }

    public func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE pygrade_jobs SET callback_state = ?, callback_tries = callback_tries + 1,
                        callback_error = ?, callback_token = NULL, callback_next_at = NULL
                    WHERE id = ? AND callback_token = ? AND callback_state = 'claimed'
                    """, arguments: [delivered ? "delivered" : "abandoned", reason, task.jobID, task.token])
        }
    }

    public func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws {
        try await write { db in
            try db.execute(
                sql: """
                    UPDATE pygrade_jobs SET callback_state = 'pending', callback_tries = callback_tries + 1,
                        callback_error = ?, callback_token = NULL, callback_next_at = ?
                    WHERE id = ? AND callback_token = ? AND callback_state = 'claimed'
                    """, arguments: [reason, Self.now() + max(0, delay), task.jobID, task.token])
        }
    }
}
