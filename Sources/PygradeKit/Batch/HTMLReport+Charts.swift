import Foundation

/// The page's aggregates, from the batch's summary: the score histogram
/// (inline SVG), the status of each exercise, the failure rate of each test.
extension HTMLReport {
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
}
