import Foundation
import Testing

/// `pygrade similar` and `batch --similarity`, run as a user runs them: the
/// ranked pairs, the CSV, and the HTML page looked at in headless Chromium.
@Suite("pygrade similar")
struct SimilarCommandTests {
    static func fixture(_ name: String) throws -> String {
        try String(contentsOfFile: PygradeBinary.fixture("\(name).py"), encoding: .utf8)
    }

    @Test func similarRanksADisguisedCopyFlagsAKnownAnswerAndShowsThePairSideBySide() throws {
        let scratch = try BatchScratch()
        let ana = try Self.fixture("reverse_own_helper_named_reverse") + "\n\n" + Self.fixture("flatten_recursive_extend")
        // Renamed, comments gone, the functions in the other order.
        let bob =
            try Self.fixture("flatten_recursive_extend").replacingOccurrences(of: "result", with: "acc")
            .replacingOccurrences(of: "item", with: "elem") + "\n\n# mine\n"
            + Self.fixture("reverse_own_helper_named_reverse").replacingOccurrences(of: "chars", with: "letters")
        let carl = try Self.fixture("duplicates_list_set_of_dups") + "\n\n" + Self.fixture("anagrams_count_quadratic")
        let article = try Self.fixture("cache_sorted_kwargs_key")
        try scratch.write("candidates/ana.py", ana)
        try scratch.write("candidates/bob.py", bob)
        try scratch.write("candidates/carl.py", carl)
        try scratch.write("candidates/<em>dave.py", article.replacingOccurrences(of: "cache", with: "memo"))
        try scratch.write("known/article.py", article)
        try FileManager.default.createSymbolicLink(atPath: scratch.path("candidates/link.py"), withDestinationPath: "/etc/passwd")
        let csv = scratch.path("pairs.csv")
        let html = scratch.path("pairs.html")
        let exercises = PygradeBinary.root.appendingPathComponent("Exercises").path
        let result = try PygradeBinary.run([
            "similar", scratch.candidates, "--known", scratch.path("known"), "--csv", csv, "--report", html, "--exercises-dir", exercises,
        ])
        // One candidate could not be read: named, left out, the rest compared.
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("link.py: a symbolic link"), "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "similarity: 1 pair of the 4 candidates with at least 50% shared:", "\(result.stdout)")
        #expect(lines.count > 1 && lines[1].contains("ana.py  bob.py"), "\(result.stdout)")
        #expect(result.stdout.contains("<em>dave.py  known: article.py"), "\(result.stdout)")
        #expect(!result.stdout.contains("carl.py"))

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").map(String.init)
        #expect(
            rows.first == "candidate,other,other_kind,shared_percent,shared_fingerprints,candidate_fingerprints,other_fingerprints")
        #expect(rows.count == 3, "\(rows)")
        #expect(rows.contains { $0.hasPrefix("ana.py,bob.py,candidate,") })
        #expect(rows.contains { $0.hasPrefix("<em>dave.py,article.py,known,") })

        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("&lt;em&gt;dave.py") && !page.contains("<em>dave"))
        #expect(page.contains("<details id=\"p0\" class=\"pair\">"))
        #expect(page.contains("<mark>def reverse(chars):"), "the copied helper is marked in ana.py")
        #expect(page.contains("<mark>def reverse(letters):"), "and in bob.py")
        #expect(!page.contains(/href="[^#]/) && !page.contains("http"))

        // In a browser: the pair opens from the address, and the page asks for nothing.
        let dir = scratch.url.path
        let opened = try HTMLReportTests.dom(html, fragment: "p0", in: dir)
        #expect(opened.contains("<details id=\"p0\" class=\"pair\" open=\"\">"), "the pair did not open")
        // Opened at the copied pair (the second: the known answer's match is whole).
        #expect(page.contains("<details id=\"p1\" class=\"pair\"><summary>85% · ana.py · bob.py</summary>"))
        let shot = try HTMLReportTests.render(html, in: dir, fragment: "p1")
        #expect(shot.pageRequests.isEmpty, "the page asked for \(shot.pageRequests)")
        try scratch.write("blank.html", "<!DOCTYPE html><html><body></body></html>")
        let blank = try HTMLReportTests.render(scratch.path("blank.html"), in: dir)
        #expect(shot.png.count > 4 * blank.png.count, "screenshot \(shot.png.count) bytes, blank page \(blank.png.count)")
        let keep = ProcessInfo.processInfo.environment["PYGRADE_KEEP_SCREENSHOT"]
        if let keep, !keep.isEmpty { try shot.png.write(to: URL(fileURLWithPath: keep + ".similar.png")) }
    }

    @Test func batchSimilarityPrintsThePairsWritesTheirCSVAndAddsTheSection() throws {
        let scratch = try BatchScratch()
        let copied = """
            def double(x):
                total = 0
                for _ in range(2):
                    total = total + x
                if total != x + x:
                    raise ValueError("bad")
                return total
            """
        try scratch.write("candidates/ana.py", copied + "\n")
        try scratch.write("candidates/bob.py", "# my own work\n" + copied.replacingOccurrences(of: "total", with: "acc") + "\n")
        try scratch.write("candidates/carl.py", "def double(x):\n    return x * 2\n")
        try scratch.write("candidates/dave.py", "def double(x):\n    values = [x, x]\n    return sum(values) if values else 0\n")
        let csv = scratch.path("summary.csv")
        let html = scratch.path("report.html")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
            "--similarity", "--csv", csv, "--report", html,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(
            result.stdout.contains("similarity: 1 pair of the 4 candidates with at least 50% shared:\n  100%  ana.py  bob.py"),
            "\(result.stdout)")
        let pairs = try String(contentsOfFile: scratch.path("summary.pairs.csv"), encoding: .utf8).split(separator: "\r\n")
        #expect(pairs.count == 2 && pairs[1].hasPrefix("ana.py,bob.py,candidate,100.0,"), "\(pairs)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<section id=\"similarity\"><h2>Similar pairs</h2>"))
        #expect(page.contains("<mark>"))
    }

    @Test func aFolderThatIsNotOneIsBadUsageInOneLine() throws {
        let result = try PygradeBinary.run(["similar", "/nonexistent/candidates"])
        #expect(result.status == 2)
        #expect(result.stderr == "pygrade: /nonexistent/candidates: no such folder\n", "\(result.stderr)")
    }
}
