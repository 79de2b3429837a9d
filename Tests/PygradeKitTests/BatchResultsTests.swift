import Foundation
import TestSupport
import Testing

@testable import PygradeKit

/// The results file, its records and the reports built from it: no process runs.
@Suite("Batch results file and reports")
struct BatchResultsTests {
    static func report(_ path: String, score: Double, status: ExerciseStatus = .passed) -> BatchRecord {
        let e = ExerciseReport(
            id: "demo", status: status, score: score, maxScore: 10, message: "m",
            tests: [
                TestReport(
                    name: "t1", status: status == .passed ? .passed : .wrongAnswer, visibility: .hidden, score: score, maxScore: 10,
                    cpuMs: 1, peakKiB: 1, hint: "basic", output: nil)
            ], rules: [])
        let r = Report(
            submission: path, sha256: String(repeating: "a", count: 64), exercises: [e],
            grader: GraderInfo(version: "t", exercisesSHA256: String(repeating: "b", count: 64), sandbox: []))
        return .report(r, elapsedMs: 12.5)
    }

    @Test func aRecordIsOneLineWithSchemaAndSubmissionFirst() throws {
        let line = try Self.report("c/a \"b\".py", score: 10).line()
        #expect(line.last == UInt8(ascii: "\n"))
        #expect(line.dropLast().contains(UInt8(ascii: "\n")) == false)
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("{\"schema\":\"pygrade.report/1\",\"submission\":\"c/a \\\"b\\\".py\","))
        guard case .report(let r, let ms) = try #require(BatchRecord.parse(line.dropLast())) else {
            Issue.record("not a report")
            return
        }
        #expect(r.submission == "c/a \"b\".py" && r.score == 10 && ms == 12.5)
        let error = try BatchRecord.error(BatchErrorRecord(submission: "x.py", kind: .input, error: "binary")).line()
        #expect(String(decoding: error, as: UTF8.self).hasPrefix("{\"schema\":\"pygrade.batch-error/1\",\"submission\":\"x.py\","))
    }

    @Test func resumeCutsATornLastLineAndIndexesTheRest() throws {
        let tmp = TemporaryFolder()
        let path = tmp.url.appendingPathComponent("r.jsonl").path
        let whole = try Self.report("a.py", score: 10).line() + Self.report("b.py", score: 5).line()
        let torn = Array(try Self.report("c.py", score: 0).line().prefix(40))
        try Data(whole + torn).write(to: URL(fileURLWithPath: path))
        let file = try ResultsFile.resume(path)
        #expect(file.repairedBytes == torn.count)
        #expect(Set(file.index.keys) == ["a.py", "b.py"])
        #expect(file.index["a.py"]?.sha256 == String(repeating: "a", count: 64))
        try file.append(Self.report("c.py", score: 0))
        try file.finish()
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(whole + Self.report("c.py", score: 0).line()))
    }

    @Test func aFilePygradeDidNotWriteIsRefusedUntouched() throws {
        let tmp = TemporaryFolder()
        for text in ["a,b\n1,2\n", "{\"x\": 1}\n", "[1]", "{\"schema\":\"other\"}\n"] {
            let url = tmp.write("f.txt", text)
            #expect(throws: ResultsFileError.self) { try ResultsFile.resume(url.path) }
            #expect(try String(contentsOf: url, encoding: .utf8) == text)
        }
        let url = tmp.write("results.jsonl", String(decoding: try Self.report("a.py", score: 1).line(), as: UTF8.self))
        #expect(throws: ResultsFileError.self) { try ResultsFile.create(url.path) }
    }

    @Test func finishKeepsOnlyTheLastRecordOfARegradedCandidate() throws {
        let tmp = TemporaryFolder()
        let path = tmp.url.appendingPathComponent("r.jsonl").path
        let old = try Self.report("a.py", score: 0).line() + Self.report("b.py", score: 5).line()
        try Data(old).write(to: URL(fileURLWithPath: path))
        let file = try ResultsFile.resume(path)
        try file.append(Self.report("a.py", score: 10))
        try file.finish()
        var seen: [(String, Double)] = []
        try ResultsFile.forEachRecord(in: path) { r in
            if case .report(let rep, _) = r { seen.append((rep.submission, rep.score)) }
        }
        #expect(seen.map(\.0) == ["b.py", "a.py"] && seen.map(\.1) == [5, 10])
    }

    @Test func summaryCountsScoresStatusesAndTestFailures() {
        var s = BatchSummary()
        s.add(Self.report("a.py", score: 10))
        s.add(Self.report("b.py", score: 0, status: .wrongAnswer))
        s.add(Self.report("c.py", score: 5, status: .wrongAnswer))
        s.add(.error(BatchErrorRecord(submission: "d.py", kind: .input, error: "binary")))
        #expect(s.candidates == 4 && s.graded == 3 && s.passed == 1 && s.errorCount == 1)
        #expect(s.histogram[0] == 1 && s.histogram[5] == 1 && s.histogram[9] == 1)
        #expect(s.exercises.first?.passRate == 1.0 / 3 && s.exercises.first?.tests.first?.failed == 2)
        let text = s.text()
        #expect(text.contains("4 candidates: 3 graded, 1 passed every exercise, 1 error"))
        #expect(text.contains("d.py: binary"))
    }

    /// Missing layers, from the reports' `grader.sandbox`, in one line.
    @Test func summaryNamesTheMissingSandboxLayersOnce() {
        var s = BatchSummary()
        s.add(Self.report("a.py", score: 10))
        #expect(!s.text().contains("weaker sandbox"))
        for (name, layers) in [("b.py", ["userns", "missing:netns"]), ("c.py", ["missing:landlock", "missing:netns"])] {
            guard case .report(var r, let ms) = Self.report(name, score: 10) else { return }
            r.grader.sandbox = layers
            s.add(.report(r, elapsedMs: ms))
        }
        let lines = s.text().split(separator: "\n")
        #expect(lines[1] == "weaker sandbox: missing netns, landlock (`pygrade doctor` says why)")
        #expect(lines.filter { $0.hasPrefix("weaker sandbox") }.count == 1)
    }

    @Test func csvQuotesAndDisarmsFormulas() {
        #expect(CSVReport.cell("plain") == "plain")
        #expect(CSVReport.cell("a,b") == "\"a,b\"")
        #expect(CSVReport.cell("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVReport.cell("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(CSVReport.cell("@cmd") == "'@cmd")
    }

    /// A visible test's output appears in the candidate's detail view,
    /// escaped, with the cut said when there was one.
    @Test func htmlShowsAVisibleTestsOutputEscaped() throws {
        let tmp = TemporaryFolder()
        let results = tmp.url.appendingPathComponent("r.jsonl").path
        let html = tmp.url.appendingPathComponent("r.html").path
        guard case .report(var r, let ms) = Self.report("a.py", score: 0, status: .wrongAnswer) else { return }
        r.exercises[0].tests[0].visibility = .visible
        r.exercises[0].tests[0].output = "<b>printed</b> by the candidate"
        r.exercises[0].tests[0].outputTruncated = true
        try Data(try BatchRecord.report(r, elapsedMs: ms).line()).write(to: URL(fileURLWithPath: results))
        try HTMLReport.write(results: results, exerciseIDs: ["demo"], title: "t", to: html)
        let page = try String(contentsOfFile: html, encoding: .utf8)
        #expect(page.contains("<pre class=\"out\">&lt;b&gt;printed&lt;/b&gt; by the candidate</pre>"))
        #expect(page.contains("cut: only the first \(TestOutcome.keptOutputBytes) bytes are kept"))
        #expect(!page.contains("<b>printed</b>"))
    }

    /// Records in the candidates' order, not the file's, each candidate's
    /// last record once; a submission no longer among them comes after.
    @Test func orderedRecordsFollowTheCandidates() throws {
        let tmp = TemporaryFolder()
        let path = tmp.url.appendingPathComponent("r.jsonl").path
        var bytes: [UInt8] = []
        for (name, score) in [("d/c.py", 1.0), ("d/gone.py", 2), ("d/a.py", 3), ("d/c.py", 4)] {
            bytes += try Self.report(name, score: score).line()
        }
        bytes += try BatchRecord.error(BatchErrorRecord(submission: "d/b", kind: .input, error: "binary")).line()
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        var seen: [String] = []
        var scores: [Double] = []
        try OrderedRecords.forEach(in: path, candidates: ["d/a.py", "d/b", "d/c.py", "d/new.py"]) { record in
            seen.append(record.submission)
            if case .report(let r, _) = record { scores.append(r.score) }
        }
        #expect(seen == ["d/a.py", "d/b", "d/c.py", "d/gone.py"])
        #expect(scores == [3, 4, 2])
        #expect(BatchCandidates.id("d/a.py", in: "d") == "a.py")
        #expect(BatchCandidates.id("d/a.py", in: "d//") == "a.py")
        #expect(BatchCandidates.id("/x.py", in: "/") == "x.py")
        #expect(BatchCandidates.id("elsewhere/a.py", in: "d") == "elsewhere/a.py")
    }

    @Test func htmlEscapesEverythingACandidateControls() {
        #expect(HTMLReport.esc("<script>alert('x')</script>&\"") == "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
    }
}
