import Foundation
import Hummingbird
import PygradeQueue

/// `POST /v1/batches` and `GET /v1/batches/{id}`.
extension APIServer {
    struct BatchRequest: Decodable {
        var submissions: [StrictSubmission]
    }

    private struct BatchCreated: Encodable {
        var id: String
        var submissions: [String]
    }

    struct BatchDocument: Encodable {
        struct Summary: Encodable {
            var passed: Int
            var failed: Int
            var meanScore: Double?
            enum CodingKeys: String, CodingKey {
                case passed, failed
                case meanScore = "mean_score"
            }
            func encode(to encoder: any Encoder) throws {
                var c = encoder.container(keyedBy: CodingKeys.self)
                try c.encode(passed, forKey: .passed)
                try c.encode(failed, forKey: .failed)
                try c.encode(meanScore, forKey: .meanScore)
            }
        }
        var id: String
        var total: Int
        var counts: [String: Int]
        var summary: Summary
        var submissions: [String]
    }

    /// What the summary reads of a report.
    private struct ReportScore: Decodable {
        var verdict: String
        var score: Double
    }

    func submitBatch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let body = try await Self.decodeBody(BatchRequest.self, request, limit: configuration.maxBatchBytes, what: "batch")
        guard (1...configuration.maxBatchSize).contains(body.submissions.count) else {
            throw Problem.badRequest("A batch holds 1 to \(configuration.maxBatchSize) submissions, not \(body.submissions.count).")
        }
        var jobs: [NewJob] = []
        jobs.reserveCapacity(body.submissions.count)
        for (i, item) in body.submissions.enumerated() {
            let valid = try await validator.validate(item.request, prefix: "submissions[\(i)]: ")
            jobs.append(newJob(valid, owner: context.owner, idempotencyKey: nil))
        }
        try await checkQuota(context, adding: jobs.count)
        let (outcomes, batchID) = try await queue.enqueue(jobs, batchOwner: context.owner)
        guard let batchID else { throw QueueError(.corrupt, "The queue made no batch for a batch request.") }
        return Self.json(
            .created, Self.encode(BatchCreated(id: batchID, submissions: outcomes.map(\.id))),
            headers: [.location: "/\(ServiceVersion.api)/batches/\(batchID)"])
    }

    func batch(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        let id = try Self.parameter("id", context)
        guard Self.isID(id, prefix: "bat_"), let batch = try await queue.batch(id), batch.owner == context.owner else {
            throw Problem.notFound("batch \(SubmissionValidator.clip(id))")
        }
        var passed = 0
        var failed = 0
        var scores = 0.0
        // Only the done jobs' reports, each read and decoded once per node (a
        // done job's report never changes): a client polling a batch had cost
        // the node a query and a decode per job per poll.
        for jobID in batch.doneJobIDs {
            var score = batchScores.score(of: jobID)
            if score == nil, let job = try await queue.job(jobID), job.state == .done, let result = job.result,
                let report = try? JSONDecoder().decode(ReportScore.self, from: result)
            {
                score = BatchScores.Score(passed: report.verdict == "passed", score: report.score)
                batchScores.keep(score!, of: jobID)
            }
            guard let score else { continue }
            if score.passed { passed += 1 } else { failed += 1 }
            scores += score.score
        }
        var counts: [String: Int] = [:]
        for s in JobState.allCases { counts[s.rawValue] = batch.counts[s] ?? 0 }
        let graded = passed + failed
        let document = BatchDocument(
            id: batch.id, total: batch.jobIDs.count, counts: counts,
            summary: .init(passed: passed, failed: failed, meanScore: graded > 0 ? scores / Double(graded) : nil),
            submissions: batch.jobIDs)
        return Self.json(.ok, Self.encode(document))
    }
}
