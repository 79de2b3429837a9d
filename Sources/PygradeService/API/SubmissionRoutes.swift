import Foundation
import Hummingbird
import PygradeQueue

/// `POST /v1/submissions`, `GET /v1/submissions/{id}[?wait=N]` and
/// `POST /v1/submissions/{id}/requeue`.
extension APIServer {
    private struct Created: Encodable { var id: String }

    func submit(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let key = try Self.idempotencyKey(request)
        let body = try await Self.decodeBody(
            StrictSubmission.self, request, limit: configuration.maxSubmissionBytes, what: "submission")
        let valid = try await validator.validate(body.request)
        try await checkQuota(context, adding: 1)
        let job = newJob(valid, owner: context.owner, idempotencyKey: key)
        let outcome = try await queue.enqueue([job], batchOwner: nil).outcomes.first
        let location: HTTPFields = [.location: "/\(ServiceVersion.api)/submissions/\(outcome?.id ?? "")"]
        switch outcome {
        case .created(let id)?: return Self.json(.created, Self.encode(Created(id: id)), headers: location)
        case .existing(let id)?: return Self.json(.ok, Self.encode(Created(id: id)), headers: location)
        case .conflict(let id)?:
            throw Problem(
                .conflict, "idempotency-conflict",
                "This Idempotency-Key was used for another request (submission \(id)); use a new key for a new body.")
        case nil: throw QueueError(.corrupt, "The queue answered an enqueue with no outcome.")
        }
    }

    func submission(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = try Self.parameter("id", context)
        let wait = try Self.waitSeconds(request)
        guard var job = try await ownedJob(id, context) else { throw Problem.notFound("submission \(SubmissionValidator.clip(id))") }
        // A wait that will hold (the job has not ended) counts against the
        // caller's long-polls open at once until it returns, however it
        // returns; past the bound it is refused at once.
        let holds = wait > 0 && (job.state == .queued || job.state == .running)
        let caller = context.caller
        if holds {
            guard longPolls.enter(caller, limit: configuration.maxLongPolls) else {
                let who = context.key == nil ? "This client address" : "This key"
                let most = configuration.maxLongPolls
                throw Problem(
                    .tooManyRequests, "too-many-waits",
                    "\(who) already holds \(most) waiting request\(most == 1 ? "" : "s") (?wait), its most at once; poll without wait, or wait again when one ends.",
                    retryAfter: Self.longPollRetrySeconds)
            }
        }
        defer { if holds { longPolls.leave(caller) } }
        // Long-poll: woken when the job ends (by this process's own workers,
        // or a NOTIFY from another node), read again at least every
        // `endPollSeconds` for the ends no one signals (another process on
        // the same SQLite file, a lease that ran out).
        let deadline = ContinuousClock.now + .milliseconds(Int(wait * 1000))
        while job.state == .queued || job.state == .running {
            let left = deadline - ContinuousClock.now
            guard left > .zero else { break }
            let seconds = Double(left.components.seconds) + Double(left.components.attoseconds) / 1e18
            await queue.waitForEnd(of: id, timeout: min(Self.endPollSeconds, seconds))
            try Task.checkCancellation()
            guard let again = try await queue.job(id) else { break }
            job = again
        }
        return Self.json(.ok, SubmissionDocument.encode(job))
    }

    func requeue(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = try Self.parameter("id", context)
        guard let job = try await ownedJob(id, context) else { throw Problem.notFound("submission \(SubmissionValidator.clip(id))") }
        // Queued again, it counts against the key's quota like a new one.
        if job.state == .failed { try await checkQuota(context, adding: 1) }
        guard job.state == .failed, try await queue.requeue(id) else {
            throw Problem(.conflict, "not-failed", "Only a failed submission can be requeued; this one is \(job.state.rawValue).")
        }
        let now = try await queue.job(id) ?? job
        return Self.json(.ok, SubmissionDocument.encode(now))
    }

    /// The job, when it exists and belongs to the caller: another key's job
    /// is answered 404 like one that does not exist.
    func ownedJob(_ id: String, _ context: APIRequestContext) async throws -> JobRecord? {
        guard Self.isID(id, prefix: "sub_"), let job = try await queue.job(id), job.owner == context.owner else { return nil }
        return job
    }

    func newJob(_ valid: ValidSubmission, owner: String, idempotencyKey: String?) -> NewJob {
        NewJob(
            payload: valid.payload, exercisesSHA256: catalogHash, owner: owner, idempotencyKey: idempotencyKey,
            requestSHA256: valid.requestSHA256, callbackURL: valid.callbackURL, maxAttempts: configuration.maxAttempts)
    }

    /// The caller's queued and running submissions, plus `adding`, within
    /// its key's `max_queued` (a server without keys has no quota).
    func checkQuota(_ context: APIRequestContext, adding: Int) async throws {
        guard let key = context.key else { return }
        let pending = try await queue.pending(owner: key.id)
        guard pending + adding <= key.maxQueued else {
            throw Problem(
                .tooManyRequests, "quota-exceeded",
                "This key has \(pending) submissions queued or running; its quota is \(key.maxQueued).", retryAfter: 10)
        }
    }

    /// Ids are ours: a prefix and URL-safe characters; anything else is not
    /// looked up at all.
    static func isID(_ id: String, prefix: String) -> Bool {
        id.hasPrefix(prefix) && id.utf8.count <= 64
            && id.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x5F }
    }

    static func idempotencyKey(_ request: Request) throws(Problem) -> String? {
        guard let key = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value else { return nil }
        guard (1...255).contains(key.utf8.count), key.utf8.allSatisfy({ $0 >= 0x21 && $0 <= 0x7E }) else {
            throw Problem.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters.")
        }
        return key
    }

    static func waitSeconds(_ request: Request) throws(Problem) -> Double {
        guard let text = request.uri.queryParameters.get("wait") else { return 0 }
        guard let seconds = Double(text), seconds.isFinite, (0...maxWaitSeconds).contains(seconds) else {
            throw Problem.badRequest("wait must be a number of seconds from 0 to \(Int(maxWaitSeconds)).")
        }
        return seconds
    }
}
