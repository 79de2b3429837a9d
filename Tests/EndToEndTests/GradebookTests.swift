import Foundation
import Testing

/// `batch --gradebook canvas|moodle FILE`: the CSV each gradebook imports,
/// from candidates named as each system's "download all submissions"
/// names them.
@Suite("pygrade batch --gradebook")
struct GradebookTests {
    static let right = "def double(x):\n    return x + x\n"
    static let half = "def double(x):\n    return 2 * x if x else -1\n"

    @Test func moodleFoldersGiveTheOfflineGradingWorksheetScaledToItsPoints() throws {
        let scratch = try BatchScratch()
        try scratch.write("candidates/Jane Doe_123_assignsubmission_file_/hw1.py", Self.right)
        try scratch.write("candidates/Ann Lee_456_assignsubmission_file_/solution.py", Self.half)
        try scratch.write("candidates/Bo Chen_789_assignsubmission_file_/notes.py", "\u{0}")
        let csv = scratch.path("moodle.csv")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
            "--gradebook", "moodle", csv, "--gradebook-points", "25",
        ])
        #expect(result.status == 4, "one unreadable candidate: \(result.stderr)")
        // Each row's "Last modified (grade)" is the batch's time, in UTC.
        let raw = try String(contentsOfFile: csv, encoding: .utf8)
        let stamps = raw.matches(of: /,(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ),/).map { String($0.output.1) }
        #expect(stamps.count == 3 && Set(stamps).count == 1, "\(raw)")
        let text = raw.replacing(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/, with: "T")
        #expect(
            text == """
                Identifier,Full name,Grade,Maximum Grade,Last modified (grade),Feedback comments\r
                Participant 456,Ann Lee,12.5,25,T,"pygrade: 5/10, failed"\r
                Participant 789,Bo Chen,,25,T,\r
                Participant 123,Jane Doe,25,25,T,"pygrade: 10/10, passed"\r

                """, "\(text)")
    }

    @Test func canvasFilesGiveTheGradebookImportWithItsPointsRow() throws {
        let scratch = try BatchScratch()
        try scratch.write("candidates/doejane_12345_67890_hw1.py", Self.right)
        try scratch.write("candidates/leeann_late_23456_78901_hw1.py", Self.half)
        try scratch.write("candidates/=cmd.py", Self.right)
        // A name a spreadsheet would run as a formula is written as text.
        try scratch.write("candidates/=HYPERLINK(x)_777_1_hw1.py", Self.right)
        let csv = scratch.path("canvas.csv")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
            "--gradebook", "canvas", csv, "--gradebook-assignment", "Homework 1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        // A candidate whose name holds no identifier is named and left out.
        #expect(result.stderr.contains("left out =cmd.py: its name holds no identifier"), "\(result.stderr)")
        let text = try String(contentsOfFile: csv, encoding: .utf8)
        #expect(
            text == """
                Student,ID,SIS User ID,SIS Login ID,Section,Homework 1\r
                Points Possible,,,,,100\r
                '=HYPERLINK(x),777,,,,100\r
                doejane,12345,,,,100\r
                leeann,23456,,,,50\r

                """, "\(text)")
    }

    @Test func aPatternOfTheTeachersOwnFindsTheIdentifier() throws {
        let scratch = try BatchScratch()
        try scratch.write("candidates/s1234-jane.py", Self.right)
        let csv = scratch.path("canvas.csv")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("r.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
            "--gradebook", "canvas", csv, "--gradebook-pattern", #"^s(?<id>\d+)-(?<name>[a-z]+)\.py$"#,
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(try String(contentsOfFile: csv, encoding: .utf8).contains("jane,1234,,,,100\r\n"))
        let bad = try PygradeBinary.run(["batch", scratch.candidates, "--gradebook", "canvas", csv, "--gradebook-pattern", "(\\d+)"])
        #expect(bad.status == 2)
        #expect(bad.stderr == "pygrade: --gradebook-pattern: needs the named groups (?<id>…) and (?<name>…)\n", "\(bad.stderr)")
    }
}
