import Foundation

/// What `similar` and `batch --similarity` say: ranked pairs as text, one
/// CSV row per pair at or above the threshold, and an HTML section with
/// each pair side by side, what they share highlighted.
public struct SimilarityReport: Sendable {
    public let similarity: Similarity
    /// Pairs below this share (a fraction) are not listed.
    public let threshold: Double

    public static let defaultThreshold = 0.5
    /// Pairs shown side by side in the HTML (the table lists them all).
    static let maxSideBySide = 100

    public init(_ similarity: Similarity, threshold: Double = defaultThreshold) {
        self.similarity = similarity
        self.threshold = threshold
    }

    var listed: [Similarity.Pair] { similarity.pairs.filter { $0.fraction >= threshold } }

    public func text() -> String {
        let docs = similarity.documents
        let candidates = docs.filter { !$0.isKnown }.count
        let at = "at least \(Similarity.percent(threshold)) shared"
        let pairs = similarity.candidatePairs(atLeast: threshold)
        var out = ""
        if pairs.isEmpty {
            out += "similarity: no pair of the \(candidates) candidates has \(at)\n"
        } else {
            out += "similarity: \(pairs.count) pair\(pairs.count == 1 ? "" : "s") of the \(candidates) candidates with \(at):\n"
            for p in pairs {
                out += "  \(Similarity.percent(p.fraction).leftPadded(4))  \(docs[p.a].name)  \(docs[p.b].name)  (\(p.shared) shared)\n"
            }
        }
        let known = similarity.knownMatches(atLeast: threshold)
        if !known.isEmpty {
            out += "similarity: \(known.count) match\(known.count == 1 ? "" : "es") with a known answer:\n"
            for p in known {
                out +=
                    "  \(Similarity.percent(p.fraction).leftPadded(4))  \(docs[p.a].name)  known: \(docs[p.b].name)  (\(p.shared) shared)\n"
            }
        }
        return TerminalText.escapingControls(out, keepingLineBreaks: true)
    }

    /// One row per pair at or above the threshold, the largest share first.
    public func writeCSV(to path: String) throws {
        var out = CSVReport.row([
            "candidate", "other", "other_kind", "shared_percent", "shared_fingerprints", "candidate_fingerprints",
            "other_fingerprints",
        ])
        let docs = similarity.documents
        for p in listed {
            out += CSVReport.row([
                docs[p.a].name, docs[p.b].name, docs[p.b].isKnown ? "known" : "candidate", String(format: "%.1f", p.fraction * 100),
                "\(p.shared)", "\(similarity.kept[p.a].count)", "\(similarity.kept[p.b].count)",
            ])
        }
        guard FileManager.default.createFile(atPath: path, contents: Data(out.utf8)) else {
            throw ResultsFileError(path: path, "cannot write (\(String(cString: strerror(errno))))")
        }
    }

    /// A page of its own (`similar --report`).
    public func writeHTML(title: String, to path: String, generated: Date = Date()) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil), let handle = FileHandle(forWritingAtPath: path) else {
            throw ResultsFileError(path: path, "cannot write (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        var w = HTMLReport.Writer(handle: handle)
        HTMLReport.head(title: title, generated: generated, version: PygradeVersion.current, &w)
        w.put("</p>\n")
        section(&w)
        w.put("<script>\(HTMLReport.script)</script>\n</body></html>\n")
        w.flush()
    }

    /// The section: the pairs' table, then each pair side by side.
    func section(_ w: inout HTMLReport.Writer) {
        let docs = similarity.documents
        let esc = HTMLReport.esc
        let pairs = listed
        let candidates = docs.filter { !$0.isKnown }.count
        w.put("<section id=\"similarity\"><h2>Similar pairs</h2>")
        w.put(
            "<p class=\"hint\">\(pairs.count) pair\(pairs.count == 1 ? "" : "s") of \(candidates) candidates share "
                + "\(Similarity.percent(threshold)) or more of their fingerprints (runs of \(Winnowing.k) tokens, names and "
                + "literals normalised, comments ignored), counted on the smaller of the two. Starter code, references and "
                + "what more than half of the batch shares are left out. Click a pair to compare.</p>")
        guard !pairs.isEmpty else {
            w.put("</section>\n")
            return
        }
        w.put("<table id=\"pairs\"><thead><tr><th>Shared</th><th>Candidate</th><th>Other</th><th>Fingerprints</th></tr></thead><tbody>\n")
        for (n, p) in pairs.enumerated() {
            let other = docs[p.b].isKnown ? "known: \(docs[p.b].name)" : docs[p.b].name
            let name = n < Self.maxSideBySide ? "<a href=\"#p\(n)\">\(esc(docs[p.a].name))</a>" : esc(docs[p.a].name)
            w.put(
                "<tr><td>\(Similarity.percent(p.fraction))</td><td>\(name)</td><td>\(esc(other))</td>"
                    + "<td>\(p.shared) of \(min(similarity.kept[p.a].count, similarity.kept[p.b].count))</td></tr>\n")
        }
        w.put("</tbody></table>\n")
        for (n, p) in pairs.prefix(Self.maxSideBySide).enumerated() {
            let (sa, sb) = similarity.spans(p)
            let other = docs[p.b].isKnown ? "known: \(docs[p.b].name)" : docs[p.b].name
            w.put(
                "<details id=\"p\(n)\" class=\"pair\"><summary>\(Similarity.percent(p.fraction)) · \(esc(docs[p.a].name)) · \(esc(other))</summary>"
            )
            w.put("<div class=\"side\"><div><p class=\"meta\">\(esc(docs[p.a].name))</p>")
            w.put("<pre class=\"src\">\(Self.marked(docs[p.a].text, sa))</pre></div>")
            w.put(
                "<div><p class=\"meta\">\(esc(other))</p><pre class=\"src\">\(Self.marked(docs[p.b].text, sb))</pre></div></div></details>\n"
            )
        }
        w.put("</section>\n")
    }

    /// The text, escaped, with each range in a `<mark>`.
    static func marked(_ text: [UInt8], _ ranges: [Range<Int>]) -> String {
        func piece(_ r: Range<Int>) -> String {
            HTMLReport.esc(String(decoding: text[r], as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
        }
        var out = ""
        var at = 0
        for r in ranges where r.lowerBound >= at && r.upperBound <= text.count {
            out += piece(at..<r.lowerBound) + "<mark>" + piece(r) + "</mark>"
            at = r.upperBound
        }
        return out + piece(at..<text.count)
    }
}

extension String {
    fileprivate func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
