import Foundation
import PygradeKit
import Testing

/// The HTML report in a real browser: Debian's headless Chromium renders it
/// (JavaScript on), takes a screenshot, and logs every network request.
@Suite("pygrade batch --report")
struct HTMLReportTests {
    struct Render {
        var png: Data
        /// URLs the page itself asked for (the browser's own background
        /// requests have no page initiator and are left out).
        var pageRequests: Set<String>
    }

    /// `fragment`: the page is opened at `#fragment` (a detail view open).
    static func render(_ html: String, in dir: String, fragment: String? = nil) throws -> Render {
        let shot = "\(dir)/shot-\(UUID().uuidString).png"
        let netlog = "\(dir)/netlog-\(UUID().uuidString).json"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        process.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-default-apps",
            "--user-data-dir=\(dir)/profile-\(UUID().uuidString)",
            // Nothing could be reached anyway; the net log says whether anything was tried.
            "--host-resolver-rules=MAP * ~NOTFOUND", "--log-net-log=\(netlog)",
            "--window-size=1280,1600", "--screenshot=\(shot)",
            URL(fileURLWithPath: html).absoluteString + (fragment.map { "#\($0)" } ?? ""),
        ]
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(90)
        while process.isRunning && Date() < deadline { usleep(20000) }
        if process.isRunning { process.terminate() }
        let log = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: netlog))) as? [String: Any]
        var requests = Set<String>()
        for event in (log?["events"] as? [[String: Any]]) ?? [] {
            guard let params = event["params"] as? [String: Any], let url = params["url"] as? String,
                let initiator = params["initiator"] as? String
            else { continue }
            // A file:// page is an opaque origin: Chromium logs its initiator as "null".
            if initiator == "null" || initiator.hasPrefix("file:") { requests.insert(url) }
        }
        return Render(png: try Data(contentsOf: URL(fileURLWithPath: shot)), pageRequests: requests)
    }

    /// The DOM once the page's script ran, opened at `#fragment`.
    static func dom(_ html: String, fragment: String, in dir: String) throws -> String {
        let dom = Process()
        dom.executableURL = URL(fileURLWithPath: "/usr/bin/chromium")
        dom.arguments = [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
            "--user-data-dir=\(dir)/profile-dom-\(UUID().uuidString)", "--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom",
            URL(fileURLWithPath: html).absoluteString + "#" + fragment,
        ]
        let domFile = "\(dir)/dom-\(UUID().uuidString).html"
        FileManager.default.createFile(atPath: domFile, contents: nil)
        dom.standardOutput = FileHandle(forWritingAtPath: domFile)
        dom.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try dom.run()
        dom.waitUntilExit()
        return try String(contentsOfFile: domFile, encoding: .utf8)
    }

    /// Minutes since 1970 of `2025-06-01 14:03` (UTC).
    static func utcMinutes(_ s: String) -> Double? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.date(from: s).map { $0.timeIntervalSince1970 / 60 }
    }

    /// Width and height from a PNG's IHDR chunk.
    static func pngSize(_ png: Data) -> (Int, Int)? {
        let b = [UInt8](png.prefix(24))
        guard b.count == 24, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],
            String(decoding: b[12..<16], as: UTF8.self) == "IHDR"
        else { return nil }
        func be(_ i: Int) -> Int { b[i..<(i + 4)].reduce(0) { $0 << 8 | Int($1) } }
        return (be(16), be(20))
    }

    /// A candidate's failing visible test shows its call, the expected
    /// value and its result in the detail view, HTML-escaped (markup in a
    /// result is text), with controls escaped; a hidden test shows none.
    @Test func detailsShowAVisibleFailuresCallAndValuesEscaped() throws {
        let scratch = try BatchScratch()
        try scratch.write("candidates/markup.py", "def double(x):\n    return '<script>alert(1)</script>\\x1b[2J' if x else -1\n")
        let html = scratch.path("report.html")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
            "--report", html,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        let shown = "call: double(1)\nexpected: 2\ngot: &#39;&lt;script&gt;alert(1)&lt;/script&gt;\\x1b[2J&#39;"
        #expect(page.contains("<pre class=\"call\">\(shown)</pre>"), "\(page)")
        #expect(!page.contains("<script>alert") && !page.contains("\u{1B}"))
        // The hidden test (double(0), a wrong -1) shows no call or value.
        #expect(!page.contains("double(0)") && !page.contains("got: -1"))
        #expect(page.components(separatedBy: "<pre class=\"call\">").count == 2)
    }

    @Test func reportRendersInHeadlessChromiumAndRequestsNothing() throws {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(12)
        // Hostile names and content are escaped, not run.
        try scratch.write("candidates/<img src=x onerror=alert(1)>.py", "def double(x):\n    raise ValueError('<b>')\n")
        try scratch.write("candidates/binary.py", "\u{0}")
        try FileManager.default.createDirectory(atPath: scratch.path("candidates/folder"), withIntermediateDirectories: true)
        try scratch.write("candidates/folder/solution.py", "def double(x):\n    return x * 2\n")
        // Its source, shown in its detail view, tries to close the <pre> and run a script.
        try scratch.write(
            "candidates/source.py",
            "# SOURCE-MARKER </pre><script>document.title='pwned'</script> & \"quotes\"\ndef double(x):\n\treturn x << 1\n")
        let html = scratch.path("report.html")
        let csv = scratch.path("summary.csv")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises,
            "--report", html, "--csv", csv,
        ])
        #expect(result.status == 4, "one unreadable candidate: \(result.stderr)")
        let page = try String(contentsOfFile: html, encoding: .utf8)
        // Self-contained: no URL, no external resource of any kind.
        for banned in ["http:", "https:", "ftp:", "<link", "<img", "<iframe", "<object", "<embed", "@import", "url("] {
            #expect(!page.contains(banned), "the report contains \(banned)")
        }
        // Attribute names only: a quoted value (a candidate's escaped name) may say anything.
        let tags = page.replacing(/"[^"]*"/, with: "\"\"")
        #expect(!tags.contains(/<[^>]*\s(src|srcset|action|poster|data)\s*=/), "a tag loads something")
        #expect(!page.contains(/href="[^#]/), "a link leaves the page")
        for part in ["id=\"candidates\"", "id=\"matrix\"", "id=\"histogram\"", "id=\"failures\"", "<details id=\"c0\""] {
            #expect(page.contains(part), "the report lacks \(part)")
        }
        #expect(page.contains("&lt;img src=x onerror=alert(1)&gt;.py"))
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n")
        #expect(rows.count == 1 + 16)
        let header =
            "candidate,submission,sha256,verdict,score,max_score,percent,elapsed_ms,double_status,double_score,error,"
            + "double_cpu_ms,double_peak_kib,double/one_cpu_ms,double/one_peak_kib"
        #expect(rows.first.map(String.init) == header)
        // The figures: the exercise's and its visible test's CPU time and
        // peak memory, measured (a peak of a Python process is megabytes);
        // none for a candidate that could not be read.
        let graded = try #require(rows.first { $0.hasPrefix("cand00000.py,") }).split(separator: ",", omittingEmptySubsequences: false)
        let figures = graded.suffix(4).map(String.init)
        #expect(figures.count == 4 && Double(figures[0]) != nil && Double(figures[2]) != nil, "\(figures)")
        #expect((Int(figures[1]) ?? 0) > 1024 && (Int(figures[3]) ?? 0) > 1024, "\(figures)")
        let unread = try #require(rows.first { $0.hasPrefix("binary.py,") })
        #expect(unread.hasSuffix(",,,,"))
        // When, by which pygrade and against which exercises it was made.
        let hashes = BatchScratch.lines(scratch.path("r.jsonl")).compactMap {
            ($0?["grader"] as? [String: Any])?["exercises_sha256"] as? String
        }
        let hash = try #require(hashes.first)
        let made = try #require(
            page.firstMatch(of: /made (\d{4}-\d\d-\d\d \d\d:\d\d) UTC by pygrade ([^ ]+) · exercises sha256 <code>([0-9a-f]{64})<\/code>/))
        #expect(made.output.2 == PygradeVersion.current && made.output.3 == hash)
        let minutes = try #require(Self.utcMinutes(String(made.output.1)))
        #expect(abs(minutes - Date().timeIntervalSince1970 / 60) < 30, "made \(made.output.1) UTC")

        let dir = scratch.url.path
        let report = try Self.render(html, in: dir)
        let (w, h) = try #require(Self.pngSize(report.png), "not a PNG")
        #expect(w == 1280 && h == 1600)
        #expect(report.pageRequests.isEmpty, "the page asked for \(report.pageRequests)")

        // Controls: a blank page gives a far smaller PNG, and a page with an
        // external image shows up in the net log, so both checks can fail.
        try scratch.write("blank.html", "<!DOCTYPE html><html><body></body></html>")
        try scratch.write("external.html", "<!DOCTYPE html><html><body><img src=\"http://example.invalid/x.png\"></body></html>")
        let blank = try Self.render(scratch.path("blank.html"), in: dir)
        #expect(report.png.count > 4 * blank.png.count, "screenshot \(report.png.count) bytes, blank page \(blank.png.count)")
        #expect(try Self.render(scratch.path("external.html"), in: dir).pageRequests.contains("http://example.invalid/x.png"))

        // The page's script runs: a link to a candidate opens its detail view.
        let rendered = try Self.dom(html, fragment: "c2", in: dir)
        #expect(rendered.contains("<details id=\"c2\" class=\"candidate\" open=\"\">"), "the detail view did not open")
        #expect(!rendered.contains("<details id=\"c3\" class=\"candidate\" open"))

        // A candidate's detail view shows its source as text: what tried to
        // close the <pre> and run a script is shown, not run.
        let entry = try #require(page.firstMatch(of: #/<details id="(c\d+)" class="candidate"><summary>[^<]*/source\.py /#))
        let id = String(entry.output.1)
        let opened = try Self.dom(html, fragment: id, in: dir)
        #expect(opened.contains("<details id=\"\(id)\" class=\"candidate\" open=\"\">"))
        let details = try #require(opened.firstMatch(of: /<details id="c\d+" class="candidate" open="">(?s:.*?)<\/details>/)).output
        #expect(
            details.contains(
                "<pre class=\"src\"># SOURCE-MARKER &lt;/pre&gt;&lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; \"quotes\"\ndef double(x):\n\treturn x &lt;&lt; 1\n</pre>"
            ), "\(details)")
        #expect(!opened.contains("<title>pwned</title>") && opened.contains("<title>pygrade: candidates</title>"))
        // A folder shows each file it was graded on, by name.
        #expect(page.contains("<p class=\"meta\">solution.py</p><pre class=\"src\">def double(x):\n    return x * 2\n</pre>"))
        // Each visible test's CPU time and peak memory; a hidden test's are not its own.
        #expect(page.contains("<th>CPU ms</th><th>peak KiB</th>"))
        #expect(
            page.contains(/<tr><td>one<\/td><td>visible · basic<\/td><td>.*?<\/td><td>[^<]*<\/td><td>\d+\.\d<\/td><td>\d{4,}<\/td><\/tr>/))
        #expect(page.contains(/<tr><td>zero<\/td><td>hidden · edge values<\/td><td>.*?<\/td><td>[^<]*<\/td><td>–<\/td><td>–<\/td><\/tr>/))

        let keep = ProcessInfo.processInfo.environment["PYGRADE_KEEP_SCREENSHOT"]
        if let keep, !keep.isEmpty { try report.png.write(to: URL(fileURLWithPath: keep)) }
    }
}
