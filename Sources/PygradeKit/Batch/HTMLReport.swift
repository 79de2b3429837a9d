import Foundation

/// `--report`: one self-contained HTML page (inline CSS, inline JS, inline
/// SVG; no URL of any kind, so opening it makes no request). Streamed from
/// the results file in three passes: aggregates, the candidates table, the
/// per-candidate details; memory does not grow with the number of candidates
/// (but for an offset per candidate, to list them in the candidates' order).
/// This file: the page and its passes, and how text goes into it (escaped,
/// buffered); the aggregates, a candidate's views and the inline style and
/// script are in files of their own (HTMLReport+Charts, +Candidate, +Assets).
public enum HTMLReport {
    /// What the page says of its making, and where a candidate's source is read.
    public struct Context: Sendable {
        /// When the report was made.
        public var generated = Date()
        public var version = PygradeVersion.current
        /// The exercises the batch graded against (`grader.exercises_sha256`).
        public var exercisesSHA256: String?
        /// A candidate's source is read again for its detail view, under the
        /// batch's size limit.
        public var maxSourceBytes = Submission.defaultMaxBytes
        /// `batch --similarity`: its section, before the details.
        public var similarity: SimilarityReport?
        public init() {}
    }

    /// `candidates`: the batch's candidates, in their order (nil: file order).
    public static func write(
        results: String, exerciseIDs: [String], title: String, to output: String, candidates: [String]? = nil,
        context: Context = Context()
    ) throws {
        func forEachRecord(_ body: (BatchRecord) throws -> Void) throws {
            if let candidates {
                try OrderedRecords.forEach(in: results, candidates: candidates, body)
            } else {
                try ResultsFile.forEachRecord(in: results, body)
            }
        }
        let summary = try BatchSummary.of(results)
        guard FileManager.default.createFile(atPath: output, contents: nil), let out = FileHandle(forWritingAtPath: output) else {
            throw ResultsFileError(path: output, "cannot write")
        }
        defer { try? out.close() }
        var w = Writer(handle: out)
        let ids = exerciseIDs + summary.exercises.map(\.id).filter { !exerciseIDs.contains($0) }

        head(title: title, generated: context.generated, version: context.version, &w)
        if let sha = context.exercisesSHA256 { w.put(" · exercises sha256 <code>\(esc(sha))</code>") }
        w.put("</p>\n")
        w.put("<p class=\"lead\">\(summary.candidates) candidates · \(summary.graded) graded · \(summary.passed) passed every exercise")
        w.put(" · \(summary.errorCount) error\(summary.errorCount == 1 ? "" : "s")")
        if summary.graded > 0 { w.put(String(format: " · mean score %.1f%%", summary.meanPercent)) }
        w.put("</p>\n<div class=\"row\">\n")
        histogram(summary, &w)
        matrix(summary, &w)
        w.put("</div>\n")

        // The candidates: one row each, sortable by any column.
        w.put("<section><h2>Candidates</h2><p class=\"hint\">Click a column to sort; click a candidate for details.</p>")
        w.put("<input id=\"filter\" type=\"search\" placeholder=\"Filter candidates\" aria-label=\"Filter candidates\">")
        w.put("<table id=\"candidates\" class=\"sortable\"><thead><tr>")
        w.put(
            "<th data-type=\"text\">Candidate</th><th data-type=\"text\">Verdict</th><th data-type=\"num\">Score</th><th data-type=\"num\">%</th>"
        )
        for id in ids { w.put("<th data-type=\"text\">\(esc(id))</th>") }
        w.put("<th data-type=\"num\">Time (ms)</th></tr></thead><tbody>\n")
        var n = 0
        try forEachRecord { record in
            defer { n += 1 }
            candidateRow(record, n: n, ids: ids, &w)
        }
        w.put("</tbody></table></section>\n")
        failureRates(summary, &w)

        context.similarity?.section(&w)

        // A detail view per candidate, opened from the table.
        w.put("<section><h2>Details</h2>\n")
        n = 0
        try forEachRecord { record in
            defer { n += 1 }
            candidateDetails(record, n: n, ids: ids, context: context, &w)
        }
        w.put("</section>\n<script>\(script)</script>\n</body></html>\n")
        w.flush()
    }

    // MARK: Writing the page safely

    /// The page's head and title, and the start of its "made" line (the
    /// caller adds to it, then closes the `<p>`).
    static func head(title: String, generated: Date, version: String, _ w: inout Writer) {
        w.put("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        w.put("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        w.put("<title>\(esc(title))</title><style>\(css)</style></head><body>\n")
        w.put("<h1>\(esc(title))</h1>\n")
        w.put("<p class=\"meta\" id=\"made\">made \(date(generated)) by pygrade \(esc(version))")
    }

    /// `2025-06-01 14:03 UTC`: one spelling, whatever the machine's locale.
    static func date(_ d: Date) -> String {
        let f = UTCTime.fields(d)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", f.year, f.month, f.day, f.hour, f.minute)
    }

    /// A candidate is named by its file or folder; the full path is in the details.
    static func name(_ path: String) -> String { (path as NSString).lastPathComponent }

    static func label(_ s: ExerciseStatus) -> String { s.rawValue.replacingOccurrences(of: "_", with: " ") }

    /// HTML-escaped, and control characters (a candidate's file name or
    /// output may hold any) shown as `\u{1B}`, as on a terminal; line breaks
    /// stay, for the `<pre>` of a test's output.
    static func esc(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for c in TerminalText.escapingControls(s, keepingLineBreaks: true).unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(c)
            }
        }
        return out
    }

    /// Buffers writes to the file.
    struct Writer {
        let handle: FileHandle
        var buffer = ""
        mutating func put(_ s: String) {
            buffer += s
            if buffer.utf8.count > 1 << 16 { flush() }
        }
        mutating func flush() {
            handle.write(Data(buffer.utf8))
            buffer = ""
        }
    }
}
