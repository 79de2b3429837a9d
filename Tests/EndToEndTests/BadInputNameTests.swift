import Foundation
import Testing

/// A file name may hold any byte but `/` and NUL. A candidate named with
/// terminal escapes (`\e]0;pwned\a` retitles the window, `\e[2J` clears the
/// screen, `\r` overwrites the line, U+009B is a one-character CSI) must not
/// drive the terminal of whoever reads pygrade's output: every name and path
/// is shown escaped, like a candidate's output. (Tests run without a
/// terminal, so there is no progress bar of pygrade's own either.)
@Suite("Bad input: control characters in names")
struct BadInputNameTests {
    static let evil = "evil\u{1B}]0;pwned\u{7}\u{1B}[2J\r\u{9B}31m.py"
    static let binary = "bin\u{1B}[2J\r.py"
    static let folder = "dir\u{1B}[2J"
    static let entry = "x\u{1B}]0;t\u{7}.py"

    /// Every C0 control but the line feed, DEL, and every C1 control.
    static func rawControls(_ s: String) -> [String] {
        s.unicodeScalars.filter { ($0.value < 0x20 && $0 != "\n") || (0x7F...0x9F).contains($0.value) }
            .map { String(format: "U+%04X", $0.value) }
    }

    func expectNoRawControls(_ result: PygradeBinary.Result, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            Self.rawControls(result.stdout).isEmpty, "\(what): stdout holds \(Self.rawControls(result.stdout))",
            sourceLocation: sourceLocation)
        #expect(
            Self.rawControls(result.stderr).isEmpty, "\(what): stderr holds \(Self.rawControls(result.stderr))",
            sourceLocation: sourceLocation)
    }

    /// The candidates double as fixtures of `check`: each declares what it must get.
    static func scratch() throws -> BatchScratch {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(2)
        try scratch.write("candidates/\(evil)", "# expect: double=passed\ndef double(x):\n    return 2 * x\n")
        try scratch.write("candidates/\(binary)", "# expect: refused binary content\nx = 1\u{0}\n")
        try FileManager.default.createDirectory(atPath: "\(scratch.candidates)/\(folder)", withIntermediateDirectories: false)
        try scratch.write("candidates/\(folder)/expect.txt", "expect: refused a symbolic link\n")
        try scratch.write("candidates/\(folder)/double.py", "def double(x):\n    return 2 * x\n")
        try FileManager.default.createSymbolicLink(atPath: "\(scratch.candidates)/\(folder)/\(entry)", withDestinationPath: "double.py")
        return scratch
    }

    @Test func batchSummaryProgressAndErrorsShowNamesEscaped() throws {
        let scratch = try Self.scratch()
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run(["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises])
        #expect(result.status == 4, "\(result.stderr)")
        expectNoRawControls(result, "batch")
        #expect(result.stdout.contains("evil\\u{1B}]0;pwned\\u{7}\\u{1B}[2J\\u{D}\\u{9B}31m.py"), "\(result.stdout)")
        #expect(result.stdout.contains("bin\\u{1B}[2J\\u{D}.py: binary content"), "\(result.stdout)")
        #expect(result.stdout.contains("dir\\u{1B}[2J: x\\u{1B}]0;t\\u{7}.py: a symbolic link"), "\(result.stdout)")
        #expect(result.stderr.contains("pygrade: 2 candidate(s) could not be read"))
        // The results keep the names as they are (JSON escapes them).
        let submissions = Set(BatchScratch.lines(out).compactMap { $0?["submission"] as? String })
        #expect(submissions.contains("\(scratch.candidates)/\(Self.evil)"))
        let errors = BatchScratch.lines(out).compactMap { $0?["error"] as? String }
        #expect(errors.contains("\(Self.entry): a symbolic link, not a regular file"))
    }

    @Test func gradeTextReportAndOneLineErrorsShowNamesEscaped() throws {
        let scratch = try Self.scratch()
        let evil = "\(scratch.candidates)/\(Self.evil)"
        let text = try PygradeBinary.run(["grade", evil, "--format", "text", "--exercises-dir", scratch.exercises])
        #expect(text.status == 0, "\(text.stderr)")
        expectNoRawControls(text, "grade --format text")
        #expect(text.stdout.hasPrefix("\(scratch.candidates)/evil\\u{1B}]0;pwned\\u{7}\\u{1B}[2J\\u{D}\\u{9B}31m.py  passed"))
        let junit = try PygradeBinary.run(["grade", evil, "--format", "junit", "--exercises-dir", scratch.exercises])
        expectNoRawControls(junit, "grade --format junit")

        for (name, problem) in [(Self.binary, "binary content"), ("\(Self.folder)/\(Self.entry)", "a symbolic link")] {
            let path = "\(scratch.candidates)/\(name.components(separatedBy: "/").first!)"
            let refused = try PygradeBinary.run(["grade", path, "--exercises-dir", scratch.exercises])
            #expect(refused.status == 2)
            expectNoRawControls(refused, "grade \(name)")
            #expect(refused.stderr.hasPrefix("pygrade: ") && refused.stderr.contains(problem), "\(refused.stderr)")
            #expect(refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
        }
    }

    @Test func checkShowsFixtureNamesEscaped() throws {
        let scratch = try Self.scratch()
        try FileManager.default.removeItem(atPath: "\(scratch.candidates)/cand00000.py")
        try FileManager.default.removeItem(atPath: "\(scratch.candidates)/cand00001.py")
        let result = try PygradeBinary.run(["check", "--exercises", scratch.exercises, "--fixtures", scratch.candidates])
        #expect(result.status == 0, "\(result.stdout)")
        expectNoRawControls(result, "check")
        #expect(result.stdout.contains("ok   fixture \(scratch.candidates)/evil\\u{1B}]0;pwned"), "\(result.stdout)")
        #expect(
            result.stdout.contains("refused: \(scratch.candidates)/dir\\u{1B}[2J/x\\u{1B}]0;t\\u{7}.py: a symbolic link"),
            "\(result.stdout)")
    }
}
