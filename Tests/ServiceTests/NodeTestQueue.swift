import Foundation
import PygradeQueue

/// An in-memory `JobQueue` with the contract's semantics (leases, attempts,
/// dead letter, callbacks), for testing the grading node and the callback
/// dispatcher in-process. The drivers' own tests are PygradeQueueTests'.
actor NodeTestQueue: JobQueue {
    struct Job {
        var record: JobRecord
        var leaseToken: String?
        var callbackDelivered = false
        var callbackTries = 0
        var callbackDueAt = Date.distantPast
        var callbackToken: String?
        var callbackLeaseUntil = Date.distantPast
        var callbackReasons: [String] = []
    }
    private(set) var jobs: [String: Job] = [:]
    private var order: [String] = []
    /// Every `complete` accepted, by job id (graded exactly once: one entry).
    private(set) var completions: [String: Int] = [:]
    /// Every lease handed out, in order.
    private(set) var claims: [Lease] = []

    func enqueue(_ new: [NewJob], batchOwner: String?) async throws -> (outcomes: [EnqueueOutcome], batchID: String?) {
        var outcomes: [EnqueueOutcome] = []
        for n in new {
            let id = "sub_\(UUID().uuidString.prefix(8))"
            let record = JobRecord(
                id: id, state: .queued, attempts: 0, maxAttempts: n.maxAttempts, owner: n.owner, batchID: nil, payload: n.payload,
                exercisesSHA256: n.exercisesSHA256, callbackURL: n.callbackURL, result: nil, error: nil, createdAt: Date(), claimedAt: nil,
                finishedAt: nil, leaseExpiresAt: nil)
            jobs[id] = Job(record: record)
            order.append(id)
            outcomes.append(.created(id))
        }
        return (outcomes, nil)
    }

    func job(_ id: String) async throws -> JobRecord? { jobs[id]?.record }
    func batch(_ id: String) async throws -> BatchRecord? { nil }

    func claim(worker: String, exercisesSHA256: String, leaseSeconds: Double) async throws -> Lease? {
        let now = Date()
        for id in order {
            guard var j = jobs[id], j.record.exercisesSHA256 == exercisesSHA256 else { continue }
            let expired = j.record.state == .running && (j.record.leaseExpiresAt ?? .distantFuture) < now
            guard j.record.state == .queued || expired else { continue }
            if expired && j.record.attempts >= j.record.maxAttempts {
                j.record.state = .failed
                j.record.error = "lease expired \(j.record.attempts) times"
                j.leaseToken = nil
                jobs[id] = j
                continue
            }
            j.record.state = .running
            j.record.attempts += 1
            j.record.claimedAt = now
            j.record.leaseExpiresAt = now.addingTimeInterval(leaseSeconds)
            let token = UUID().uuidString
            j.leaseToken = token
            jobs[id] = j
            let lease = Lease(
                jobID: id, token: token, payload: j.record.payload, attempt: j.record.attempts, createdAt: j.record.createdAt,
                claimedAt: now)
            claims.append(lease)
            return lease
        }
        return nil
    }

    private func owned(_ lease: Lease) -> Bool {
        jobs[lease.jobID]?.leaseToken == lease.token && jobs[lease.jobID]?.record.state == .running
    }

    func heartbeat(_ lease: Lease, leaseSeconds: Double) async throws -> Bool {
        guard owned(lease) else { return false }
        jobs[lease.jobID]?.record.leaseExpiresAt = Date().addingTimeInterval(leaseSeconds)
        return true
    }

    func complete(_ lease: Lease, result: Data) async throws -> Bool {
        guard owned(lease) else { return false }
        jobs[lease.jobID]?.record.state = .done
        jobs[lease.jobID]?.record.result = result
        jobs[lease.jobID]?.record.finishedAt = Date()
        jobs[lease.jobID]?.leaseToken = nil
        completions[lease.jobID, default: 0] += 1
        return true
    }

    func fail(_ lease: Lease, reason: String, retry: Bool) async throws -> Bool {
        guard owned(lease), var j = jobs[lease.jobID] else { return false }
        j.record.error = reason
        j.leaseToken = nil
        if retry && j.record.attempts < j.record.maxAttempts {
            j.record.state = .queued
        } else {
            j.record.state = .failed
            j.record.finishedAt = Date()
        }
        jobs[lease.jobID] = j
        return true
    }

    func release(_ lease: Lease) async throws -> Bool {
        guard owned(lease) else { return false }
        jobs[lease.jobID]?.record.state = .queued
        jobs[lease.jobID]?.record.attempts -= 1
        jobs[lease.jobID]?.leaseToken = nil
        return true
    }

    func requeue(_ id: String) async throws -> Bool {
        guard jobs[id]?.record.state == .failed else { return false }
        jobs[id]?.record.state = .queued
        jobs[id]?.record.attempts = 0
        return true
    }

    func counts() async throws -> [JobState: Int] {
        var c: [JobState: Int] = [:]
        for s in JobState.allCases { c[s] = jobs.values.filter { $0.record.state == s }.count }
        return c
    }

    func pending(owner: String) async throws -> Int {
        jobs.values.filter { $0.record.owner == owner && ($0.record.state == .queued || $0.record.state == .running) }.count
    }

    func claimCallbacks(limit: Int, leaseSeconds: Double) async throws -> [CallbackTask] {
        let now = Date()
        var out: [CallbackTask] = []
        for id in order where out.count < limit {
            guard var j = jobs[id], let url = j.record.callbackURL, j.record.state == .done || j.record.state == .failed,
                !j.callbackDelivered, j.callbackDueAt <= now, j.callbackLeaseUntil <= now
            else { continue }
            let token = UUID().uuidString
            j.callbackToken = token
            j.callbackLeaseUntil = now.addingTimeInterval(leaseSeconds)
            jobs[id] = j
            out.append(CallbackTask(jobID: id, url: url, token: token, tries: j.callbackTries))
        }
        return out
    }

    func callbackFinished(_ task: CallbackTask, delivered: Bool, reason: String?) async throws {
        guard jobs[task.jobID]?.callbackToken == task.token else { return }
        jobs[task.jobID]?.callbackDelivered = true
        jobs[task.jobID]?.callbackTries += 1
        if let reason { jobs[task.jobID]?.callbackReasons.append("given up: \(reason)") }
        if delivered { jobs[task.jobID]?.callbackReasons.append("delivered") }
    }

    func callbackRetry(_ task: CallbackTask, delay: Double, reason: String) async throws {
        guard jobs[task.jobID]?.callbackToken == task.token else { return }
        jobs[task.jobID]?.callbackTries += 1
        jobs[task.jobID]?.callbackDueAt = Date().addingTimeInterval(delay)
        jobs[task.jobID]?.callbackLeaseUntil = .distantPast
        jobs[task.jobID]?.callbackReasons.append("retry in \(delay): \(reason)")
    }

    func waitForJobs(timeout: Double) async { try? await Task.sleep(for: .seconds(min(timeout, 0.05))) }
    func waitForEnd(of id: String, timeout: Double) async { try? await Task.sleep(for: .seconds(min(timeout, 0.05))) }
    func ping() async -> Bool { true }
    func close() async {}

    /// Test hook: another worker takes the job's lease (as after an expiry)
    /// and keeps it.
    func stealLease(_ id: String) {
        jobs[id]?.leaseToken = "stolen"
        jobs[id]?.record.leaseExpiresAt = .distantFuture
    }

    /// Test hook: a job, as the API would add it.
    func add(_ request: SubmissionRequestPayload, exercisesSHA256: String, callbackURL: String? = nil, maxAttempts: Int = 3) async throws
        -> String
    {
        let (outcomes, _) = try await enqueue(
            [
                NewJob(
                    payload: request.data, exercisesSHA256: exercisesSHA256, owner: "local", requestSHA256: "", callbackURL: callbackURL,
                    maxAttempts: maxAttempts)
            ], batchOwner: nil)
        return outcomes[0].id
    }

    /// Waits until the job is in one of `states` (or `timeout` passes).
    func waitFor(_ id: String, _ states: Set<JobState>, timeout: Double = 120) async -> JobRecord? {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if let r = jobs[id]?.record, states.contains(r.state) { return r }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return jobs[id]?.record
    }
}

/// A payload's bytes (a `SubmissionRequest`, or anything, encoded).
struct SubmissionRequestPayload {
    var data: Data
}
