import Foundation
import PygradeQueue

/// The submission document: what `GET /v1/submissions/{id}` answers and
/// what a callback posts, `{"id","state","attempts","created_at",
/// "finished_at","report","error","metadata"}`. The report is the stored
/// `pygrade.report/1` JSON, spliced in byte for byte (never decoded and
/// encoded again, which would reorder its keys and respell its numbers).
/// Times are RFC 3339 in UTC with milliseconds.
public enum CallbackDocument {
    public static func encode(_ job: JobRecord) throws -> [UInt8] {
        let request = try? JSONDecoder().decode(SubmissionRequest.self, from: job.payload)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json<T: Encodable>(_ value: T?) throws -> String {
            guard let value else { return "null" }
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        }
        let report = job.state == .done ? job.result.map { String(decoding: $0, as: UTF8.self) } ?? "null" : "null"
        let fields = [
            "\"id\":\(try json(job.id))",
            "\"state\":\(try json(job.state.rawValue))",
            "\"attempts\":\(job.attempts)",
            "\"created_at\":\(try json(timestamp(job.createdAt)))",
            "\"finished_at\":\(try json(job.finishedAt.map(timestamp)))",
            "\"report\":\(report)",
            "\"error\":\(try json(job.state == .failed ? job.error : nil))",
            "\"metadata\":\(try json(request?.metadata))",
        ]
        return Array("{\(fields.joined(separator: ","))}".utf8)
    }

    /// `2026-12-01T10:18:23.123Z`.
    public static func timestamp(_ date: Date) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }
}
