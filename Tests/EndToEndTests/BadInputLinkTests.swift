import Foundation
import TestSupport
import Testing

/// The orchestrator reads submissions outside any sandbox: nothing inside a
/// submission folder or a batch folder is followed (docs/usage.md#bad-input).
/// Each attack a red team ran: a folder of links to the references, a link
/// to a secret file, a FIFO that would hang a naive reader.
@Suite("Bad input: links, FIFOs")
final class BadInputLinkTests {
    static let exerciseIDs = ["anagrams", "cache", "duplicates", "flatten", "reverse"]
    static let canary = "PYGRADE_CANARY_7f3a=hunter2"

    let temporary = TemporaryFolder(prefix: "pygrade-links")
    var dir: URL { temporary.url }

    func path(_ relative: String) -> String { temporary.path(relative) }

    func folder(_ relative: String) throws -> String { temporary.folder(relative) }

    func link(_ relative: String, to target: String) throws {
        try FileManager.default.createSymbolicLink(atPath: path(relative), withDestinationPath: target)
    }

    /// A file holding one `KEY=value` line: Python would raise a NameError
    /// quoting `hunter2` if it ever ran it.
    func secret() throws -> String {
        try Data((Self.canary + "\n").utf8).write(to: dir.appendingPathComponent("secret.env"))
        return path("secret.env")
    }

    /// Exit 2, nothing on stdout, one line on stderr naming `entry` and the problem.
    func expectRefused(
        _ result: PygradeBinary.Result, _ entry: String, _ problem: String, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == 2, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
        #expect(result.stderr == "pygrade: \(entry): \(problem)\n", "\(result.stderr)", sourceLocation: sourceLocation)
    }

    /// (1) Five `<id>.py` linking to `Exercises/<id>/reference.py` once got
    /// 100/100 with no code of their own.
    @Test func aFolderOfLinksToTheReferencesIsRefused() throws {
        let sub = try folder("sub")
        for id in Self.exerciseIDs {
            try link("sub/\(id).py", to: PygradeBinary.root.appendingPathComponent("Exercises/\(id)/reference.py").path)
        }
        expectRefused(try PygradeBinary.run(["grade", sub]), "\(sub)/anagrams.py", "a symbolic link, not a regular file")
        expectRefused(
            try PygradeBinary.run(["grade", sub, "--exercise", "duplicates", "--format", "json"]), "\(sub)/anagrams.py",
            "a symbolic link, not a regular file")
    }

    /// (2) `duplicates.py` linking to a secret: the secret reaches no output
    /// of `grade` in any format, nor any output of `batch`. A regular copy
    /// of the same file shows that the test would see the leak.
    @Test func aLinkToASecretLeaksItNowhere() throws {
        let secret = try secret()
        let sub = try folder("sub")
        try link("sub/duplicates.py", to: secret)
        for format in ["text", "json", "junit", "gradescope"] {
            let result = try PygradeBinary.run(["grade", sub, "--exercise", "duplicates", "--format", format])
            expectRefused(result, "\(sub)/duplicates.py", "a symbolic link, not a regular file")
            #expect(!result.stdout.contains("hunter2") && !result.stderr.contains("hunter2"), "\(format)")
        }
        let copy = try folder("copy")
        try FileManager.default.copyItem(atPath: secret, toPath: "\(copy)/duplicates.py")
        let control = try PygradeBinary.run(["grade", copy, "--exercise", "duplicates"])
        #expect(control.status == 1 && control.stdout.contains("hunter2"), "the control no longer shows the secret: \(control.stdout)")

        let batch = try folder("batch")
        _ = try folder("batch/folder_link")
        try link("batch/folder_link/duplicates.py", to: secret)
        try link("batch/file_link.py", to: secret)
        try link("batch/dir_link", to: sub)
        let out = path("results.jsonl")
        let (html, csv) = (path("report.html"), path("summary.csv"))
        let result = try PygradeBinary.run([
            "batch", batch, "--exercise", "duplicates", "--out", out, "--report", html, "--csv", csv, "--jobs", "1",
        ])
        #expect(result.status == 4, "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 3)
        for record in records {
            #expect(record["schema"] as? String == "pygrade.batch-error/1" && record["kind"] as? String == "input")
        }
        let errors = Dictionary(
            uniqueKeysWithValues: records.map {
                (URL(fileURLWithPath: $0["submission"] as? String ?? "").lastPathComponent, $0["error"] as? String ?? "")
            })
        #expect(errors["folder_link"] == "duplicates.py: a symbolic link, not a regular file")
        #expect(errors["file_link.py"] == "a symbolic link, not a regular file or a folder")
        #expect(errors["dir_link"] == "a symbolic link, not a regular file or a folder")
        #expect(result.stdout.contains("\(batch)/folder_link: duplicates.py: a symbolic link, not a regular file"), "\(result.stdout)")
        for (name, text) in [
            ("stdout", result.stdout), ("stderr", result.stderr), ("results", try String(contentsOfFile: out, encoding: .utf8)),
            ("html", try String(contentsOfFile: html, encoding: .utf8)), ("csv", try String(contentsOfFile: csv, encoding: .utf8)),
        ] {
            #expect(!text.contains("hunter2") && !text.contains("PYGRADE_CANARY"), "the secret is in the batch's \(name)")
        }
    }

    /// Refusing every link, not only those of graded names, is simpler to
    /// trust: `notes.txt -> /etc/passwd` and a hidden link are refused too.
    @Test func anyLinkInASubmissionFolderIsRefused() throws {
        let sub = try folder("sub")
        try FileManager.default.copyItem(atPath: PygradeBinary.fixture("correct.py"), toPath: "\(sub)/solution.py")
        try link("sub/notes.txt", to: "/etc/passwd")
        expectRefused(
            try PygradeBinary.run(["grade", sub, "--exercise", "flatten"]), "\(sub)/notes.txt", "a symbolic link, not a regular file")
        try FileManager.default.removeItem(atPath: "\(sub)/notes.txt")
        try link("sub/.hidden", to: "solution.py")
        expectRefused(
            try PygradeBinary.run(["grade", sub, "--exercise", "flatten"]), "\(sub)/.hidden", "a symbolic link, not a regular file")
        // Without it, and with a sub-folder (not looked into), the folder is graded.
        try FileManager.default.removeItem(atPath: "\(sub)/.hidden")
        _ = try folder("sub/__pycache__")
        try link("sub/__pycache__/elsewhere", to: "/etc/passwd")
        #expect(try PygradeBinary.run(["grade", sub, "--exercise", "flatten"]).status == 0)
    }

    /// The path an operator typed may be a link: it is followed.
    @Test func theCommandLinePathItselfMayBeALink() throws {
        try link("solution.py", to: PygradeBinary.fixture("correct.py"))
        let file = try PygradeBinary.run(["grade", path("solution.py"), "--exercise", "flatten"])
        #expect(file.status == 0, "\(file.stderr)")
        let sub = try folder("real")
        try FileManager.default.copyItem(atPath: PygradeBinary.fixture("correct.py"), toPath: "\(sub)/flatten.py")
        try link("linked", to: sub)
        let folder = try PygradeBinary.run(["grade", path("linked"), "--exercise", "flatten"])
        #expect(folder.status == 0, "\(folder.stderr)")
    }

    /// (3) A FIFO would block a reader that opened it without O_NONBLOCK
    /// until a writer came: refused at once, graded name or not.
    @Test func aFIFOEntryDoesNotHangTheGrader() throws {
        let sub = try folder("sub")
        #expect(mkfifo("\(sub)/duplicates.py", 0o600) == 0)
        let graded = try PygradeBinary.run(["grade", sub, "--exercise", "duplicates"], timeout: 60)
        expectRefused(graded, "\(sub)/duplicates.py", "a FIFO, not a regular file")
        #expect(graded.seconds < 30)

        let other = try folder("other")
        try FileManager.default.copyItem(atPath: PygradeBinary.fixture("correct.py"), toPath: "\(other)/duplicates.py")
        #expect(mkfifo("\(other)/pipe", 0o600) == 0)
        expectRefused(
            try PygradeBinary.run(["grade", other, "--exercise", "duplicates"], timeout: 60), "\(other)/pipe", "a FIFO, not a regular file")

        let batch = try folder("batch")
        #expect(mkfifo("\(batch)/pipe.py", 0o600) == 0)
        let out = path("results.jsonl")
        let result = try PygradeBinary.run(
            ["batch", batch, "--exercise", "duplicates", "--out", out, "--no-progress"], timeout: 60)
        #expect(result.status == 4)
        let record = try #require(BatchScratch.lines(out).first ?? nil)
        #expect(record["error"] as? String == "a FIFO, not a regular file or a folder")
    }

    /// (4) One linked candidate among good ones: it gets an error record, the
    /// others are graded, and the batch exits 4 ("some candidates unreadable").
    @Test func aBatchGradesTheOthersAndRecordsTheLinkedOne() throws {
        let batch = try folder("batch")
        try FileManager.default.copyItem(atPath: PygradeBinary.fixture("correct.py"), toPath: "\(batch)/correct.py")
        _ = try folder("batch/linked")
        for id in Self.exerciseIDs {
            try link("batch/linked/\(id).py", to: PygradeBinary.root.appendingPathComponent("Exercises/\(id)/reference.py").path)
        }
        let out = path("results.jsonl")
        let result = try PygradeBinary.run(["batch", batch, "--out", out, "--no-progress", "--jobs", "2"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr == "pygrade: 1 candidate(s) could not be read: see their error records in \(out)\n", "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2)
        let graded = try #require(records.first { $0["submission"] as? String == "\(batch)/correct.py" })
        #expect(graded["verdict"] as? String == "passed")
        #expect(graded["score"] as? Double == 100 && graded["max_score"] as? Double == 100, "\(graded["score"] ?? "")")
        let error = try #require(records.first { $0["submission"] as? String == "\(batch)/linked" })
        #expect(error["schema"] as? String == "pygrade.batch-error/1")
        #expect(error["kind"] as? String == "input")
        #expect(error["error"] as? String == "anagrams.py: a symbolic link, not a regular file")
    }
}
