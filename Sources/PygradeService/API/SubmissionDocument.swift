import Foundation
import PygradeQueue

/// The body of `GET /v1/submissions/{id}`, which is also what a callback
/// posts: the job's state, and its report spliced in byte for byte (the
/// same `pygrade.report/1` document `pygrade grade --format json` prints).
public enum SubmissionDocument {
    private struct Head: Encodable {
        var id: String
        var state: String
        var attempts: Int
        var batchID: String?
        var createdAt: String
        var finishedAt: String?
        var error: String?
        var metadata: JSONValue?

        enum CodingKeys: String, CodingKey {
            case id, state, attempts
            case batchID = "batch_id"
            case createdAt = "created_at"
            case finishedAt = "finished_at"
            case error, metadata
        }

        // Absent values are written as null: every key is always there.
        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(state, forKey: .state)
            try c.encode(attempts, forKey: .attempts)
            try c.encode(batchID, forKey: .batchID)
            try c.encode(createdAt, forKey: .createdAt)
            try c.encode(finishedAt, forKey: .finishedAt)
            try c.encode(error, forKey: .error)
            try c.encode(metadata, forKey: .metadata)
        }
    }

    private struct Metadata: Decodable { var metadata: JSONValue? }

    public static func encode(_ job: JobRecord) -> Data {
        let metadata = (try? JSONDecoder().decode(Metadata.self, from: job.payload))?.metadata
        let head = Head(
            id: job.id, state: job.state.rawValue, attempts: job.attempts, batchID: job.batchID,
            createdAt: timestamp(job.createdAt), finishedAt: job.finishedAt.map(timestamp),
            error: job.state == .failed ? (job.error ?? "failed") : nil, metadata: metadata)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var data = (try? encoder.encode(head)) ?? Data("{}".utf8)
        // The report as the grader wrote it, or null; `head` ends with "}".
        data.removeLast()
        data.append(contentsOf: Array(#","report":"#.utf8))
        if job.state == .done, let result = job.result, !result.isEmpty {
            data.append(result)
        } else {
            data.append(contentsOf: Array("null".utf8))
        }
        data.append(UInt8(ascii: "}"))
        return data
    }

    /// RFC 3339 in UTC with milliseconds.
    static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.string(from: date)
    }
}
