import Foundation

/// `--csv`: one row per candidate, in the candidates' order (OrderedRecords),
/// first the candidate's id (its name in the batch folder), streamed from the
/// results file. After the `error` column, the figures: each exercise's CPU
/// time and peak memory, then each visible test's (a hidden test has no
/// figure of its own: Figures). Cells that a spreadsheet would run as a formula (a
/// candidate's file may be named `=cmd…`) are prefixed with an apostrophe.
public enum CSVReport {
    /// `visibleTests`: each exercise's visible tests, by name, in order: a
    /// pair of figure columns each.
    public static func write(
        results: String, candidates: [String], folder: String, exerciseIDs: [String], visibleTests: [String: [String]] = [:],
        to output: String
    ) throws {
        guard let out = FileHandle(forWritingAtPath: output) ?? create(output) else {
            throw ResultsFileError(path: output, "cannot write (\(String(cString: strerror(errno))))")
        }
        defer { try? out.close() }
        try out.truncate(atOffset: 0)
        var header = ["candidate", "submission", "sha256", "verdict", "score", "max_score", "percent", "elapsed_ms"]
        for id in exerciseIDs { header += ["\(id)_status", "\(id)_score"] }
        header.append("error")
        for id in exerciseIDs {
            header += ["\(id)_cpu_ms", "\(id)_peak_kib"]
            for test in visibleTests[id] ?? [] { header += ["\(id)/\(test)_cpu_ms", "\(id)/\(test)_peak_kib"] }
        }
        let figureColumns = header.count - header.firstIndex(of: "error")! - 1
        var buffer = row(header)
        try OrderedRecords.forEach(in: results, candidates: candidates) { record in
            var cells = [BatchCandidates.id(record.submission, in: folder)]
            switch record {
            case .error(let e):
                cells += [e.submission, "", "error", "", "", "", ""]
                for _ in exerciseIDs { cells += ["", ""] }
                cells.append(e.error)
                cells += Array(repeating: "", count: figureColumns)
            case .report(let r, let ms):
                cells += [
                    r.submission, r.sha256, r.verdict.rawValue, TextReport.number(r.score), TextReport.number(r.maxScore),
                    String(format: "%.1f", BatchSummary.percent(r)), String(format: "%.0f", ms),
                ]
                for id in exerciseIDs {
                    let e = r.exercises.first { $0.id == id }
                    cells += [e?.status.rawValue ?? "", e.map { TextReport.number($0.score) } ?? ""]
                }
                cells.append("")
                for id in exerciseIDs {
                    let e = r.exercises.first { $0.id == id }
                    cells += [e?.cpuMs.map(Self.ms) ?? "", e?.peakKiB.map { "\($0)" } ?? ""]
                    for test in visibleTests[id] ?? [] {
                        let t = e?.tests.first { $0.name == test && $0.visibility == .visible }
                        cells += [t?.cpuMs.map(Self.ms) ?? "", t?.peakKiB.map { "\($0)" } ?? ""]
                    }
                }
            }
            buffer += row(cells)
            if buffer.utf8.count > 1 << 16 {
                out.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        out.write(Data(buffer.utf8))
    }

    static func ms(_ x: Double) -> String { String(format: "%.1f", x) }

    private static func create(_ path: String) -> FileHandle? {
        guard FileManager.default.createFile(atPath: path, contents: nil) else { return nil }
        return FileHandle(forWritingAtPath: path)
    }

    static func row(_ cells: [String]) -> String { cells.map(cell).joined(separator: ",") + "\r\n" }

    static func cell(_ s: String) -> String {
        var s = s
        if let f = s.first, "=+-@\t\r".contains(f) { s = "'" + s }
        guard s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
