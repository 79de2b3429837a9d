import Foundation

/// `--csv`: one row per candidate, in the candidates' order (OrderedRecords),
/// first the candidate's id (its name in the batch folder), streamed from the
/// results file. Cells that a spreadsheet would run as a formula (a
/// candidate's file may be named `=cmd…`) are prefixed with an apostrophe.
public enum CSVReport {
    public static func write(results: String, candidates: [String], folder: String, exerciseIDs: [String], to output: String) throws {
        guard let out = FileHandle(forWritingAtPath: output) ?? create(output) else {
            throw ResultsFileError(path: output, "cannot write (\(String(cString: strerror(errno))))")
        }
        defer { try? out.close() }
        try out.truncate(atOffset: 0)
        var header = ["candidate", "submission", "sha256", "verdict", "score", "max_score", "percent", "elapsed_ms"]
        for id in exerciseIDs { header += ["\(id)_status", "\(id)_score"] }
        header.append("error")
        var buffer = row(header)
        try OrderedRecords.forEach(in: results, candidates: candidates) { record in
            var cells = [BatchCandidates.id(record.submission, in: folder)]
            switch record {
            case .error(let e):
                cells += [e.submission, "", "error", "", "", "", ""]
                for _ in exerciseIDs { cells += ["", ""] }
                cells.append(e.error)
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
            }
            buffer += row(cells)
            if buffer.utf8.count > 1 << 16 {
                out.write(Data(buffer.utf8))
                buffer = ""
            }
        }
        out.write(Data(buffer.utf8))
    }

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
