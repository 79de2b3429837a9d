import Foundation
import PygradeQueue

/// A `JobQueue` in memory, for the API tests until SQLiteQueue lands (the
/// coordinator switches the tests to it at merge). Same semantics as the
/// interface says, minus persistence.
actor InMemoryQueue: JobQueue {
    private var jobs: [String: JobRecord] = [:]
    private var order: [String] = []
    private var keys: [String: (id: String, sha: String)] = [:]
    private var batches: [String: (owner: String, ids: [String], created: Date)] = [:]
    private var tokens: [String: String] = [:]
    static func newID(_ prefix: String) -> String {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        var g = SystemRandomNumberGenerator()
        return prefix + String((0..<22).map { _ in alphabet[Int(g.next() % UInt64(alphabet.count))] })
    }

    func enqueue(_ new: [NewJob], batchOwner: String?) async throws -> (outcomes: [EnqueueOutcome], batchID: String?) {
        var outcomes: [EnqueueOutcome] = []
        let batchID = batchOwner.map { _ in Self.newID("bat_") }
        for job in new {
            if let k = job.idempotencyKey, let seen = keys["\(job.owner)\u{0}\(k)"] {
                outcomes.append(seen.sha == job.requestSHA256 ? .existing(seen.id) : .conflict(seen.id))
                continue
            }
            let id = Self.newID("sub_")
            jobs[id] = JobRecord(
                id: id, state: .queued, attempts: 0, maxAttempts: job.maxAttempts, owner: job.owner, batchID: batchID,
                payload: job.payload, exercisesSHA256: job.exercisesSHA256, callbackURL: job.callbackURL, result: nil, error: nil,
                createdAt: Date(), claimedAt: nil, finishedAt: nil, leaseExpiresAt: nil)
            order.append(id)
            if let k = job.idempotencyKey { keys["\(job.owner)\u{0}\(k)"] = (id, job.requestSHA256) }
            outcomes.append(.created(id))
        }
        if let batchID, let batchOwner { batches[batchID] = (batchOwner, outcomes.map(\.id), Date()) }
        return (outcomes, batchID)
    }

    func job(_ id: String) async throws -> JobRecord? { jobs[id] }

    func batch(_ id: String) async throws -> BatchRecord? {
        guard let b = batches[id] else { return nil }
        var counts: [JobState: Int] = [:]
        for s in JobState.allCases { counts[s] = 0 }
        for j in b.ids { if let s = jobs[j]?.state { counts[s, default: 0] += 1 } }
        return BatchRecord(id: id, owner: b.owner, jobIDs: b.ids, counts: counts, createdAt: b.created)
    }

    func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease? {
        guard let id = order.first(where: { jobs[$0]?.state == .queued && jobs[$0]?.exercisesSHA256 == exercisesSHA256 }),
            var job = jobs[id]
        else { return nil }
        job.state = .running
        job.attempts += 1
        job.claimedAt = Date()
        jobs[id] = job
        let token = UUID().uuidString
        tokens[id] = token
        return Lease(jobID: id, token: token, payload: job.payload, attempt: job.attempts, createdAt: job.createdAt, claimedAt: Date())
    }

    func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool { tokens[lease.jobID] == lease.token }

    func complete(_ lease: Lease, result: Data) async throws -> Bool {
        guard tokens[lease.jobID] == lease.token, var job = jobs[lease.jobID] else { return false }
        job.state = .done
        job.result = result
        job.finishedAt = Date()
        jobs[lease.jobID] = job
        tokens[lease.jobID] = nil
        return true
    }

    func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool {
        guard tokens[lease.jobID] == lease.token, var job = jobs[lease.jobID] else { return false }
        job.state = retry && job.attempts < job.maxAttempts ? .queued : .failed
        job.error = reason
        if job.state == .failed { job.finishedAt = Date() }
        jobs[lease.jobID] = job
        tokens[lease.jobID] = nil
        return true
    }

    func release(_ lease: Lease) async throws -> Bool {
        guard tokens[lease.jobID] == lease.token, var job = jobs[lease.jobID] else { return false }
        job.state = .queued
        job.attempts -= 1
        jobs[lease.jobID] = job
        return true
    }

    func requeue(_ id: String) async throws -> Bool {
        guard var job = jobs[id], job.state == .failed else { return false }
        job.state = .queued
        job.attempts = 0
        job.error = nil
        job.finishedAt = nil
        jobs[id] = job
        return true
    }

    func counts() async throws -> [JobState: Int] {
        var counts: [JobState: Int] = [:]
        for s in JobState.allCases { counts[s] = 0 }
        for j in jobs.values { counts[j.state, default: 0] += 1 }
        return counts
    }

    func pending(owner: String) async throws -> Int {
        jobs.values.filter { $0.owner == owner && ($0.state == .queued || $0.state == .running) }.count
    }

    func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask] { [] }
    func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws {}
    func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws {}
    func waitForJobs(timeout: Double) async {}
    func ping() async -> Bool { true }
    func close() async {}
}
