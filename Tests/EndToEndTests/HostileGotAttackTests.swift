import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Feedback attacks, point 3: a visible test returns strings built to
/// break a terminal, XML, JSON or an HTML page.
/// ("needs point N": see FeedbackAttackTests.)
@Suite("Feedback attacks: hostile values")
struct HostileGotAttackTests: FeedbackAttackSupport {
    /// The shape of every hostile string a returned value can hold: terminal
    /// escapes (clear screen, OSC 52 writing the clipboard), NUL, C0 and C1
    /// controls, a bidi override, noncharacters and a lone surrogate (invalid
    /// in XML and in UTF-8), `]]>`, and HTML that would load a URL if it ran.
    static let hostile =
        #""\x1b[2J\x1b]52;c;SGVsbG8=\x07\x00\x0b\x7f\x9b31m\u202e\ufffe\uffff\ud800 ]]> --> " "#
        + #""</script><script>fetch('http://xss-got.invalid/s')</script>" "#
        + #""<img src='http://xss-got.invalid/i' onerror=\"fetch('http://xss-got.invalid/e')\">""#

    /// A visible test returns the hostile string, alone and inside a list and
    /// a dict. Every format stays valid (UTF-8, XML, JSON), no terminal
    /// control reaches the text report, and the HTML report runs and loads
    /// nothing (Chromium's net log). (Needs point 3: the value must be shown.)
    @Test func hostileStringsInGotAreInertInEveryFormat() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            EVIL = \(Self.hostile)


            def shout(s):
                if s == "hello":
                    return EVIL
                if s == "abc":
                    return [EVIL, {EVIL: EVIL}]
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(2).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests)")
        #expect(
            (tests[0]["got"] as? String)?.contains("xss-got.invalid") == true, "needs point 3: the value is shown, as data: \(tests[0])")
        for (name, run) in outputs {
            #expect(String(validating: run.stdout, as: UTF8.self) != nil, "\(name) is not valid UTF-8")
        }
        let controls: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\u{00}", "\u{0B}", "\u{7F}", "\u{9B}", "\u{202E}", "\u{FFFE}", "\u{FFFF}"]
        for name in ["text", "batch"] {
            let run = try #require(outputs[name])
            for text in [run.out, run.err] {
                let raw = controls.filter { c in text.unicodeScalars.contains(c) }
                #expect(raw.isEmpty, "\(name) prints raw \(raw.map { String(format: "U+%04X", $0.value) })")
            }
        }
        // XML 1.0 allows no C0 control but tab, LF and CR, and no U+FFFE or U+FFFF.
        let junit = try #require(outputs["junit"])
        let invalid = junit.out.unicodeScalars.filter { s in
            (s.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(s.value)) || s.value == 0xFFFE || s.value == 0xFFFF
        }
        #expect(invalid.isEmpty, "JUnit holds characters XML forbids: \(invalid.map { $0.value })")
        _ = try XMLTree.parse(junit.out)
        #expect(junit.out.contains("xss-got.invalid"), "needs point 3: JUnit shows the value")
        for name in ["json", "gradescope", "results"] {
            let data = try #require(outputs[name]).stdout
            let lines = name == "results" ? data.split(separator: UInt8(ascii: "\n")).map { Data($0) } : [data]
            for line in lines { _ = try JSONSerialization.jsonObject(with: line) }
        }
        // The HTML report: the value is there, as text; nothing of it runs.
        let html = try #require(outputs["html"]).out
        #expect(html.contains("xss-got.invalid"), "needs point 3: the HTML report shows the value")
        // A `</script` of the candidate's would end the report's own script early.
        let benign = try Self.benignHTML(arena)
        #expect(
            html.components(separatedBy: "</script").count == benign.components(separatedBy: "</script").count,
            "the HTML report holds one more '</script' than a harmless candidate's")
        let file = arena.path("report.html")
        try html.write(toFile: file, atomically: true, encoding: .utf8)
        let render = try HTMLReportTests.render(file, in: arena.dir.path)
        #expect(render.pageRequests.isEmpty, "the page asked for \(render.pageRequests)")
    }

    /// The HTML report of a candidate that returns a plain wrong value.
    static func benignHTML(_ arena: Arena) throws -> String {
        try arena.write("benign.py", "def shout(s):\n    return 'nope'\n")
        return try #require(try arena.everyFormat("benign.py")["html"]).out
    }
}
