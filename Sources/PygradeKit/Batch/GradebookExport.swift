import Foundation

/// `batch --gradebook canvas|moodle FILE`: the CSV each gradebook imports,
/// one row per candidate whose name in the batch folder carries its
/// identifier in the learning system (the names its "download all
/// submissions" gives), the score scaled to the assignment's points there.
/// docs/gradebooks.md cites the columns each import expects.
public struct GradebookExport: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case canvas, moodle

        /// How the system names a downloaded submission: Canvas a file
        /// `doejane_12345_67890_hw1.py` (`doejane_late_12345_…` when late),
        /// Moodle a folder `Jane Doe_123_assignsubmission_file_`.
        public var defaultPattern: String {
            switch self {
            case .canvas: #"^(?<name>[^_]+)_(?:late_)?(?<id>[0-9]+)_"#
            case .moodle: #"^(?<name>.+)_(?<id>[0-9]+)_assign(?:submission|feedback)_"#
            }
        }
    }

    public var kind: Kind
    /// A regular expression with the named groups `id` and `name`, matched
    /// against each candidate's name in the batch folder.
    public var pattern: String
    /// The assignment's points in the gradebook: pygrade's percentage of it.
    public var points: Double
    /// The assignment's column (Canvas; Moodle's worksheet is per assignment).
    public var assignment: String

    public init(kind: Kind, pattern: String? = nil, points: Double = 100, assignment: String = "pygrade") {
        self.kind = kind
        self.pattern = pattern ?? kind.defaultPattern
        self.points = points
        self.assignment = assignment
    }

    /// Why `pattern` cannot be used (nil when it can).
    public static func problem(with pattern: String) -> String? {
        guard (try? Regex(pattern)) != nil else { return "not a regular expression" }
        return pattern.contains("(?<id>") && pattern.contains("(?<name>") ? nil : "needs the named groups (?<id>…) and (?<name>…)"
    }

    /// A candidate's identifier and name, from its name in the batch folder.
    func identity(_ candidate: String) -> (id: String, name: String)? {
        guard let regex = try? Regex(pattern), let m = try? regex.firstMatch(in: candidate),
            let id = m.output["id"]?.substring, let name = m.output["name"]?.substring
        else { return nil }
        return (String(id), String(name))
    }

    /// Writes the CSV; returns the candidates left out (no identifier in
    /// their name). A candidate that could not be read gets no grade (an
    /// empty cell leaves the gradebook's as it was).
    public func write(
        results: String, candidates: [String], folder: String, to output: String, generated: Date = Date()
    ) throws -> [String] {
        var rows: [[String]]
        switch kind {
        case .canvas:
            rows = [
                ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", assignment],
                ["Points Possible", "", "", "", "", Self.number(points)],
            ]
        case .moodle:
            // Moodle's importer refuses a worksheet without "Last modified
            // (grade)", and skips a row whose grade changed in Moodle after
            // that time: the batch's time, so that a grade a teacher set
            // since is kept.
            rows = [["Identifier", "Full name", "Grade", "Maximum Grade", "Last modified (grade)", "Feedback comments"]]
        }
        let now = Self.timestamp(generated)
        var unmatched: [String] = []
        try OrderedRecords.forEach(in: results, candidates: candidates) { record in
            let candidate = BatchCandidates.id(record.submission, in: folder)
            guard let who = identity(candidate) else {
                unmatched.append(candidate)
                return
            }
            var grade = ""
            var feedback = ""
            if case .report(let r, _) = record {
                grade = Self.number(r.maxScore > 0 ? r.score / r.maxScore * points : 0)
                feedback = "pygrade: \(TextReport.number(r.score))/\(TextReport.number(r.maxScore)), \(r.verdict.rawValue)"
            }
            switch kind {
            case .canvas: rows.append([who.name, who.id, "", "", "", grade])
            case .moodle: rows.append(["Participant \(who.id)", who.name, grade, Self.number(points), now, feedback])
            }
        }
        let text = rows.map(CSVReport.row).joined()
        guard FileManager.default.createFile(atPath: output, contents: Data(text.utf8)) else {
            throw ResultsFileError(path: output, "cannot write (\(String(cString: strerror(errno))))")
        }
        return unmatched
    }

    /// ISO 8601 in UTC (`2026-12-01T23:05:00Z`), which PHP's strtotime reads.
    static func timestamp(_ d: Date) -> String {
        let f = UTCTime.fields(d)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", f.year, f.month, f.day, f.hour, f.minute, f.second)
    }

    /// Two decimals at most, no trailing zeros (as the reports write
    /// scores): what both imports read.
    static func number(_ x: Double) -> String { TextReport.number(Report.round(x)) }
}
