import Foundation

/// The page's view of one candidate: its row in the candidates table and
/// its detail view, with the source read again.
extension HTMLReport {
    /// A candidate's row in the table: verdict, score, each exercise's
    /// status, time; an error record says so in place of them.
    static func candidateRow(_ record: BatchRecord, n: Int, ids: [String], _ w: inout Writer) {
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

    /// A candidate's detail view, opened from the table: each exercise's
    /// status, message, rules and tests (a failing visible test's call and
    /// values, a visible test's output), then the source.
    static func candidateDetails(_ record: BatchRecord, n: Int, ids: [String], context: Context, _ w: inout Writer) {
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
                w.put("\(TextReport.number(e.score))/\(TextReport.number(e.maxScore))")
                if let cpu = e.cpuMs, let peak = e.peakKiB {
                    w.put(String(format: " <span class=\"meta\">CPU %.1f ms · peak %@ KiB</span>", cpu, "\(peak)"))
                }
                w.put("</h3>")
                if e.status != .passed { w.put("<p>\(esc(e.message))</p>") }
                for rule in e.rules { w.put("<p class=\"err\">rule \(esc(rule.id)), \(rule.place): \(esc(rule.message))</p>") }
                if !e.tests.isEmpty {
                    w.put(
                        "<table class=\"tests\"><tr><th>test</th><th>kind</th><th>status</th><th>score</th><th>CPU ms</th><th>peak KiB</th></tr>"
                    )
                    for t in e.tests {
                        w.put("<tr><td>\(esc(t.name))</td><td>\(t.visibility.rawValue) · \(esc(t.hint))</td>")
                        w.put("<td><span class=\"st st-\(t.status.rawValue)\">\(label(ExerciseStatus(t.status)))</span></td>")
                        w.put("<td>\(TextReport.number(t.score))/\(TextReport.number(t.maxScore))</td>")
                        // A hidden test has no figure of its own (Figures).
                        let shown = Figures.shown(for: t.visibility)
                        w.put((shown ? t.cpuMs : nil).map { String(format: "<td>%.1f</td>", $0) } ?? "<td>–</td>")
                        w.put((shown ? t.peakKiB : nil).map { "<td>\($0)</td></tr>" } ?? "<td>–</td></tr>")
                        // Visible tests only (the report never holds a hidden
                        // test's call, values or output).
                        if !t.failureLines.isEmpty {
                            w.put(
                                "<tr><td colspan=\"6\"><pre class=\"call\">\(esc(t.failureLines.joined(separator: "\n")))</pre></td></tr>"
                            )
                        }
                        if let output = t.output {
                            let cut =
                                t.outputTruncated == true ? " (cut: only the first \(TestOutcome.keptOutputBytes) bytes are kept)" : ""
                            w.put("<tr><td colspan=\"6\"><pre class=\"out\">\(esc(output))</pre>\(cut)</td></tr>")
                        }
                    }
                    w.put("</table>")
                }
            }
            source(of: r, ids: ids, context: context, &w)
            w.put("</details>\n")
        }
    }

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
}
