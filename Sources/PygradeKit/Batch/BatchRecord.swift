import Foundation

/// One line of a batch results file: a candidate's report (Report, plus
/// `elapsed_ms`), or an error record for a candidate that could not be graded.
public enum BatchRecord: Sendable {
    case report(Report, elapsedMs: Double)
    case error(BatchErrorRecord)

    public var submission: String {
        switch self {
        case .report(let r, _): r.submission
        case .error(let e): e.submission
        }
    }

    /// The line as written: one JSON object, `schema` and `submission` first
    /// (so a torn line is recognisable, and `head` is readable), then "\n".
    public func line() throws -> [UInt8] {
        switch self {
        case .report(let r, let ms): try ReportJSON.compact(TimedReport(report: r, elapsedMs: ms)) + [UInt8(ascii: "\n")]
        case .error(let e): try ReportJSON.compact(e) + [UInt8(ascii: "\n")]
        }
    }

    /// Parses one line (without its newline); nil when it is not a record.
    public static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) -> BatchRecord? {
        let data = Data(line)
        guard let head = try? JSONDecoder().decode(Head.self, from: data) else { return nil }
        switch head.schema {
        case Report.schemaID:
            guard let r = try? JSONDecoder().decode(TimedReport.self, from: data) else { return nil }
            return .report(r.report, elapsedMs: r.elapsedMs)
        case BatchErrorRecord.schemaID:
            return (try? JSONDecoder().decode(BatchErrorRecord.self, from: data)).map(BatchRecord.error)
        default:
            return nil
        }
    }

    /// What resume needs of a line, without decoding the whole report.
    struct Head: Decodable {
        var schema: String
        var submission: String
        var sha256: String?
        var grader: Grader?
        var assignment: Assignment?
        struct Grader: Decodable {
            var exercisesSHA256: String
            enum CodingKeys: String, CodingKey { case exercisesSHA256 = "exercises_sha256" }
        }
        struct Assignment: Decodable {
            var sha256: String
        }
    }
}

/// A candidate that could not be graded: unreadable input, or the grader failed.
public struct BatchErrorRecord: Codable, Sendable {
    public static let schemaID = "pygrade.batch-error/1"
    public enum Kind: String, Codable, Sendable {
        /// The submission could not be read (bad input).
        case input
        /// The grader itself failed on it (exit 3).
        case `internal`
    }
    public var schema = BatchErrorRecord.schemaID
    public var submission: String
    public var kind: Kind
    public var error: String

    public init(submission: String, kind: Kind, error: String) {
        self.submission = submission
        self.kind = kind
        self.error = error
    }
}

/// A report with the wall time it took, as one flat object.
struct TimedReport: Codable {
    var report: Report
    var elapsedMs: Double
    enum Extra: String, CodingKey { case elapsedMs = "elapsed_ms" }

    init(report: Report, elapsedMs: Double) {
        self.report = report
        self.elapsedMs = elapsedMs
    }

    init(from decoder: Decoder) throws {
        report = try Report(from: decoder)
        elapsedMs = try decoder.container(keyedBy: Extra.self).decodeIfPresent(Double.self, forKey: .elapsedMs) ?? 0
    }

    func encode(to encoder: Encoder) throws {
        try report.encode(to: encoder)
        var c = encoder.container(keyedBy: Extra.self)
        try c.encode(Report.round(elapsedMs), forKey: .elapsedMs)
    }
}
