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

/// Reorders the members of a compact JSON object. Foundation's encoder has
/// no stable key order but sorted; we want a few keys first.
enum JSONLine {
    static func reordered(_ json: [UInt8], first: [String]) -> [UInt8] {
        guard let members = topLevelMembers(json) else { return json }
        var byKey: [String: ArraySlice<UInt8>] = [:]
        for m in members { byKey[m.key] = json[m.range] }
        var order = first.filter { byKey[$0] != nil }
        order += members.map(\.key).filter { !first.contains($0) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in order.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += byKey[key]!
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Each top-level `"key":value`, as a byte range; nil if not a compact object.
    static func topLevelMembers(_ json: [UInt8]) -> [(key: String, range: Range<Int>)]? {
        guard json.first == UInt8(ascii: "{"), json.last == UInt8(ascii: "}") else { return nil }
        var members: [(String, Range<Int>)] = []
        var depth = 0
        var inString = false
        var escaped = false
        var start = 1
        var keyEnd = -1
        for i in 1..<(json.count - 1) {
            let c = json[i]
            if inString {
                if escaped {
                    escaped = false
                } else if c == UInt8(ascii: "\\") {
                    escaped = true
                } else if c == UInt8(ascii: "\"") {
                    inString = false
                }
                continue
            }
            switch c {
            case UInt8(ascii: "\""):
                inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ":") where depth == 0 && keyEnd < 0:
                keyEnd = i
            case UInt8(ascii: ",") where depth == 0:
                guard keyEnd > start else { return nil }
                members.append((key(json[start..<keyEnd]), start..<i))
                start = i + 1
                keyEnd = -1
            default:
                break
            }
        }
        if json.count > 2 {
            guard keyEnd > start else { return nil }
            members.append((key(json[start..<keyEnd]), start..<(json.count - 1)))
        }
        return members
    }

    private static func key(_ bytes: ArraySlice<UInt8>) -> String {
        (try? JSONDecoder().decode(String.self, from: Data(bytes))) ?? String(decoding: bytes, as: UTF8.self)
    }
}
