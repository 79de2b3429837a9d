import Foundation

/// `--report`: one self-contained HTML page (inline CSS, inline JS, inline
/// SVG; no URL of any kind, so opening it makes no request). Streamed from
/// the results file in three passes: aggregates, the candidates table, the
/// per-candidate details; memory does not grow with the number of candidates
/// (but for an offset per candidate, to list them in the candidates' order).
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

        w.put("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        w.put("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        w.put("<title>\(esc(title))</title><style>\(css)</style></head><body>\n")
        w.put("<h1>\(esc(title))</h1>\n")
        w.put("<p class=\"meta\" id=\"made\">made \(date(context.generated)) by pygrade \(esc(context.version))")
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
            switch record {
            case .error(let e):
                w.put(
                    "<tr class=\"error\"><td><a href=\"#c\(n)\" title=\"\(esc(e.submission))\">\(esc(name(e.submission)))</a></td><td data-v=\"error\">"
                )
                w.put("<span class=\"st st-error\">error</span></td><td data-v=\"-1\">–</td><td data-v=\"-1\">–</td>")
                for _ in ids { w.put("<td></td>") }
                w.put("<td data-v=\"0\"></td></tr>\n")
            case .report(let r, let ms):
                let p = BatchSummary.percent(r)
                w.put("<tr><td><a href=\"#c\(n)\" title=\"\(esc(r.submission))\">\(esc(name(r.submission)))</a></td>")
                w.put("<td><span class=\"st st-\(r.verdict.rawValue)\">\(r.verdict.rawValue)</span></td>")
                w.put("<td data-v=\"\(r.score)\">\(TextReport.number(r.score))/\(TextReport.number(r.maxScore))</td>")
                w.put(String(format: "<td data-v=\"%.2f\">%.0f</td>", p, p))
                for id in ids {
                    if let e = r.exercises.first(where: { $0.id == id }) {
                        w.put("<td data-v=\"\(e.status.rawValue)\"><span class=\"st st-\(e.status.rawValue)\" title=\"\(esc(e.message))\">")
                        w.put("\(label(e.status))</span></td>")
                    } else {
                        w.put("<td data-v=\"\"></td>")
                    }
                }
                w.put(String(format: "<td data-v=\"%.1f\">%.0f</td></tr>\n", ms, ms))
            }
        }
        w.put("</tbody></table></section>\n")
        failureRates(summary, &w)

        // A detail view per candidate, opened from the table.
        w.put("<section><h2>Details</h2>\n")
        n = 0
        try forEachRecord { record in
            defer { n += 1 }
            w.put("<details id=\"c\(n)\" class=\"candidate\"><summary>\(esc(record.submission)) ")
            switch record {
            case .error(let e):
                w.put("<span class=\"st st-error\">error</span></summary><p class=\"err\">\(esc(e.error))</p></details>\n")
            case .report(let r, let ms):
                w.put("<span class=\"st st-\(r.verdict.rawValue)\">\(r.verdict.rawValue)</span> ")
                w.put("\(TextReport.number(r.score))/\(TextReport.number(r.maxScore))</summary>")
                w.put("<p class=\"meta\">sha256 \(esc(r.sha256))")
                w.put(String(format: " · %.0f ms", ms))
                w.put(" · sandbox: \(esc(r.grader.sandbox.joined(separator: ", ")))")
                w.put(
                    " · graded by pygrade \(esc(r.grader.version)), exercises sha256 \(esc(String(r.grader.exercisesSHA256.prefix(12))))</p>"
                )
                for e in r.exercises {
                    w.put("<h3>\(esc(e.id)) <span class=\"st st-\(e.status.rawValue)\">\(label(e.status))</span> ")
                    w.put("\(TextReport.number(e.score))/\(TextReport.number(e.maxScore))</h3>")
                    if e.status != .passed { w.put("<p>\(esc(e.message))</p>") }
                    for rule in e.rules { w.put("<p class=\"err\">rule \(esc(rule.id)), \(rule.place): \(esc(rule.message))</p>") }
                    if !e.tests.isEmpty {
                        w.put("<table class=\"tests\"><tr><th>test</th><th>kind</th><th>status</th><th>score</th><th>CPU ms</th></tr>")
                        for t in e.tests {
                            w.put("<tr><td>\(esc(t.name))</td><td>\(t.visibility.rawValue) · \(esc(t.hint))</td>")
                            w.put("<td><span class=\"st st-\(t.status.rawValue)\">\(label(ExerciseStatus(t.status)))</span></td>")
                            w.put("<td>\(TextReport.number(t.score))/\(TextReport.number(t.maxScore))</td>")
                            w.put(String(format: "<td>%.1f</td></tr>", t.cpuMs))
                            // Visible tests only (the report never holds a hidden
                            // test's call, values or output).
                            if !t.failureLines.isEmpty {
                                w.put(
                                    "<tr><td colspan=\"5\"><pre class=\"call\">\(esc(t.failureLines.joined(separator: "\n")))</pre></td></tr>"
                                )
                            }
                            if let output = t.output {
                                let cut =
                                    t.outputTruncated == true ? " (cut: only the first \(TestOutcome.keptOutputBytes) bytes are kept)" : ""
                                w.put("<tr><td colspan=\"5\"><pre class=\"out\">\(esc(output))</pre>\(cut)</td></tr>")
                            }
                        }
                        w.put("</table>")
                    }
                }
                source(of: r, ids: ids, context: context, &w)
                w.put("</details>\n")
            }
        }
        w.put("</section>\n<script>\(script)</script>\n</body></html>\n")
        w.flush()
    }

    // MARK: Sections

    /// The candidate's source, read again (as a batch reads it: nothing
    /// followed, the same size limit) and shown only if it is still what was
    /// graded (same SHA-256). Escaped: it is the candidate's text.
    static func source(of r: Report, ids: [String], context: Context, _ w: inout Writer) {
        w.put("<h3>Source</h3>")
        let submission: Submission
        do {
            submission = try Submission.load(r.submission, maxBytes: context.maxSourceBytes, exerciseIDs: ids, followingPath: false)
        } catch {
            w.put("<p class=\"err\">not shown: \(esc(error.problem(within: r.submission)))</p>")
            return
        }
        guard submission.sha256 == r.sha256 else {
            w.put("<p class=\"err\">not shown: it changed since it was graded (sha256 \(esc(submission.sha256.prefix(12) + "…")))</p>")
            return
        }
        for name in submission.files.keys.sorted() {
            let text = String(decoding: submission.files[name]!, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n")
            if submission.isFolder { w.put("<p class=\"meta\">\(esc(name))</p>") }
            w.put("<pre class=\"src\">\(esc(text))</pre>")
        }
    }

    /// `2025-06-01 14:03 UTC`: one spelling, whatever the machine's locale.
    static func date(_ d: Date) -> String {
        var t = time_t(d.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02d %02d:%02d UTC", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min))
    }

    static func histogram(_ s: BatchSummary, _ w: inout Writer) {
        w.put("<section><h2>Score distribution</h2>")
        let peak = max(1, s.histogram.max() ?? 1)
        let barW = 36
        let h = 160
        let width = BatchSummary.bins * (barW + 6) + 10
        w.put(
            "<svg id=\"histogram\" role=\"img\" aria-label=\"Score histogram\" width=\"\(width)\" height=\"\(h + 40)\" viewBox=\"0 0 \(width) \(h + 40)\">"
        )
        for (i, count) in s.histogram.enumerated() {
            let bh = count == 0 ? 0 : max(2, count * h / peak)
            let x = 5 + i * (barW + 6)
            let lo = i * 100 / BatchSummary.bins
            let colour = i >= BatchSummary.bins - 1 ? "#2e7d32" : i >= BatchSummary.bins / 2 ? "#f9a825" : "#c62828"
            w.put(
                "<rect x=\"\(x)\" y=\"\(h - bh + 14)\" width=\"\(barW)\" height=\"\(bh)\" fill=\"\(colour)\"><title>\(lo)–\(i == BatchSummary.bins - 1 ? 100 : lo + 10)%: \(count)</title></rect>"
            )
            w.put("<text x=\"\(x + barW / 2)\" y=\"\(h - bh + 10)\" text-anchor=\"middle\" class=\"n\">\(count)</text>")
            w.put("<text x=\"\(x + barW / 2)\" y=\"\(h + 30)\" text-anchor=\"middle\">\(lo)</text>")
        }
        w.put("</svg><p class=\"hint\">candidates per score band (percent of the maximum)</p></section>\n")
    }

    static func matrix(_ s: BatchSummary, _ w: inout Writer) {
        let statuses = ExerciseStatus.allCases.filter { st in s.exercises.contains { ($0.statuses[st] ?? 0) > 0 } }
        w.put("<section><h2>Status per exercise</h2><table id=\"matrix\"><tr><th>exercise</th><th>pass rate</th>")
        for st in statuses { w.put("<th><span class=\"st st-\(st.rawValue)\">\(label(st))</span></th>") }
        w.put("</tr>")
        for e in s.exercises {
            w.put("<tr><th>\(esc(e.id))</th><td>\(String(format: "%.0f%%", e.passRate * 100))</td>")
            for st in statuses {
                let n = e.statuses[st] ?? 0
                let alpha = e.graded > 0 ? 0.08 + 0.6 * Double(n) / Double(e.graded) : 0
                w.put(String(format: "<td class=\"heat\" style=\"background:rgba(21,101,192,%.2f)\">%d</td>", n == 0 ? 0 : alpha, n))
            }
            w.put("</tr>")
        }
        w.put("</table></section>\n")
    }

    static func failureRates(_ s: BatchSummary, _ w: inout Writer) {
        w.put("<section><h2>Failure rate of each test</h2><table id=\"failures\"><tr><th>exercise</th><th>test</th><th>kind</th>")
        w.put("<th>failed</th><th class=\"barcol\">rate</th></tr>")
        for e in s.exercises {
            for t in e.tests {
                let pct = t.failureRate * 100
                w.put("<tr><td>\(esc(e.id))</td><td>\(esc(t.name))</td><td>\(t.visibility.rawValue) · \(esc(t.hint))</td>")
                w.put("<td>\(t.failed)/\(t.ran)</td>")
                w.put(
                    String(
                        format: "<td class=\"barcol\"><div class=\"bar\" style=\"width:%.0fpx\"></div><span>%.0f%%</span></td></tr>",
                        pct * 1.2, pct))
            }
        }
        w.put("</table></section>\n")
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

    static let css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1a1a1a;background:#fafafa}
        h1{margin:0 0 4px;font-size:22px}h2{font-size:17px;margin:24px 0 8px}h3{font-size:14px;margin:12px 0 4px}
        .lead{color:#444;margin:0 0 8px}.hint{color:#666;font-size:12px;margin:4px 0}
        .row{display:flex;flex-wrap:wrap;gap:32px}section{max-width:100%;overflow-x:auto}
        table{border-collapse:collapse;background:#fff}th,td{padding:4px 8px;border-bottom:1px solid #e3e3e3;text-align:left;white-space:nowrap}
        th{background:#f0f0f0;font-weight:600}table.sortable th{cursor:pointer;user-select:none}
        table.sortable th.asc::after{content:" ▲"}table.sortable th.desc::after{content:" ▼"}
        td.heat{text-align:right}svg text{font-size:11px;fill:#333}
        .st{display:inline-block;padding:1px 6px;border-radius:8px;font-size:12px;color:#fff;background:#757575}
        .st-passed{background:#2e7d32}.st-failed,.st-wrong_answer{background:#c62828}.st-error{background:#000}
        .st-runtime_error{background:#ad1457}.st-time_limit_exceeded,.st-memory_limit_exceeded,.st-output_limit_exceeded{background:#ef6c00}
        .st-sandbox_violation{background:#4a148c}.st-syntax_error{background:#6a1b9a}.st-missing{background:#9e9e9e}
        .st-rule_violation{background:#8d6e63}
        .barcol{min-width:180px;position:relative}.bar{height:12px;background:#c62828;display:inline-block;vertical-align:middle}
        .barcol span{margin-left:6px}
        #filter{margin:6px 0;padding:4px 8px;width:280px}
        details.candidate{background:#fff;border:1px solid #e3e3e3;margin:4px 0;padding:4px 10px}
        details.candidate[open]{border-color:#1565c0}summary{cursor:pointer}
        .meta{color:#666;font-size:12px}.err{color:#b71c1c}
        pre.call{margin:0;padding:4px 6px;background:#fff8e1;white-space:pre-wrap}
        pre.out{margin:0;padding:4px 6px;background:#f4f4f4;white-space:pre-wrap;max-height:12em;overflow:auto}
        pre.src{margin:0;padding:4px 6px;background:#f7f7f2;border:1px solid #e3e3e3;white-space:pre;max-height:30em;overflow:auto;tab-size:4}
        """

    static let script = """
        (function(){
          var t=document.getElementById('candidates');if(!t)return;
          var ths=t.tHead.rows[0].cells;
          function key(row,i,num){var c=row.cells[i];var v=c.hasAttribute('data-v')?c.getAttribute('data-v'):c.textContent;
            return num?parseFloat(v)||0:v.toLowerCase();}
          Array.prototype.forEach.call(ths,function(th,i){th.addEventListener('click',function(){
            var num=th.getAttribute('data-type')==='num';var asc=!th.classList.contains('asc');
            Array.prototype.forEach.call(ths,function(h){h.classList.remove('asc','desc');});
            th.classList.add(asc?'asc':'desc');
            var body=t.tBodies[0];var rows=Array.prototype.slice.call(body.rows);
            rows.sort(function(a,b){var x=key(a,i,num),y=key(b,i,num);return (x<y?-1:x>y?1:0)*(asc?1:-1);});
            rows.forEach(function(r){body.appendChild(r);});});});
          var f=document.getElementById('filter');
          f.addEventListener('input',function(){var q=f.value.toLowerCase();
            Array.prototype.forEach.call(t.tBodies[0].rows,function(r){r.style.display=r.textContent.toLowerCase().indexOf(q)<0?'none':'';});});
          function open(){var d=location.hash&&document.getElementById(location.hash.slice(1));if(d&&d.tagName==='DETAILS'){d.open=true;d.scrollIntoView();}}
          window.addEventListener('hashchange',open);open();
        })();
        """
}
