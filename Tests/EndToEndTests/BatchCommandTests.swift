import Foundation
import PygradeKit
import Testing

@Suite("pygrade batch")
struct BatchCommandTests {
    /// Every fixture gets, in a batch, the statuses it declares: the oracle
    /// `grade` is held to by FixtureSuiteTests (which runs `grade` on every
    /// fixture), so batch and grade agree without grading everything twice.
    @Test func batchOverFixturesGivesEveryDeclaredStatus() throws {
        let scratch = try BatchScratch()
        let out = scratch.path("fixtures.jsonl")
        let fixturesDir = PygradeBinary.root.appendingPathComponent("Fixtures").path
        let result = try PygradeBinary.run(["batch", fixturesDir, "--out", out, "--jobs", "2", "--no-progress"])
        let paths = try Fixture.paths(in: fixturesDir)
        // Fixtures that must be refused get error records: "some candidates unreadable", exit 4.
        let refused = try paths.filter { try Fixture.load($0).refusal != nil }
        #expect(!refused.isEmpty)
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr == "pygrade: \(refused.count) candidate(s) could not be read: see their error records in \(out)\n")
        var seen = Set<String>()
        for line in BatchScratch.lines(out) {
            let record = try #require(line)
            let path = try #require(record["submission"] as? String)
            seen.insert(path)
            if let refusal = try Fixture.load(path).refusal {
                #expect(record["schema"] as? String == "pygrade.batch-error/1" && record["kind"] as? String == "input")
                #expect((record["error"] as? String)?.contains(refusal) == true, "\(path): \(record["error"] ?? "")")
                continue
            }
            let exercises = try #require(record["exercises"] as? [[String: Any]])
            for (id, allowed) in try Fixture.load(path).expectations {
                let got = exercises.first { $0["id"] as? String == id }?["status"] as? String
                #expect(
                    got.flatMap(ExerciseStatus.init(rawValue:)).map(allowed.contains) == true,
                    "\(path) \(id): batch gave \(got ?? "nothing")")
            }
        }
        #expect(seen == Set(paths))
    }

    /// 2,000 candidates: the orchestrator's memory and descriptors stay flat,
    /// it never has more than two workers per job, and none outlives it.
    @Test func twoThousandCandidatesKeepResourcesBounded() throws {
        let scratch = try BatchScratch()
        let candidates = try scratch.makeCandidates(2000)
        let out = scratch.path("results.jsonl")
        let process = try scratch.start([
            "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2", "--no-progress",
        ])
        let pid = process.processIdentifier
        var early: ProcessSample?
        var late: ProcessSample?
        var maxChildren = 0
        var workers = Set<Int32>()
        while process.isRunning {
            let done = BatchScratch.lineCount(out)
            if let s = ProcessSample(pid) {
                maxChildren = max(maxChildren, s.children.count)
                workers.formUnion(s.children)
                if early == nil && done >= 300 { early = s }
                if late == nil && done >= 1800 { late = s }
            }
            usleep(20000)
        }
        #expect(process.terminationStatus == 0)
        let lines = BatchScratch.lines(out)
        #expect(lines.count == 2000 && Set(lines.compactMap { $0?["submission"] as? String }) == Set(candidates))
        let (a, b) = (try #require(early), try #require(late))
        #expect(b.rssKiB - a.rssKiB < 8 * 1024, "RSS grew from \(a.rssKiB) KiB to \(b.rssKiB) KiB over 1,500 candidates")
        // Each of the 2 threads may hold a submission open at a sample; a leak
        // of one per candidate would show as 1,500.
        #expect(b.descriptors <= a.descriptors + 2, "descriptors grew from \(a.descriptors) to \(b.descriptors)")
        // Each job's worker, and its visible-only one (half the candidates
        // fail the visible test: their call and result come from it).
        #expect(maxChildren <= 4, "\(maxChildren) child processes for 2 jobs")
        for _ in 0..<200 where !workers.allSatisfy(ProcessSample.isGone) { usleep(10000) }
        #expect(!workers.isEmpty && workers.allSatisfy(ProcessSample.isGone), "workers outlived the batch")
    }

    @Test func unreadableCandidatesGetErrorRecordsAndTheBatchGoesOn() throws {
        let scratch = try BatchScratch()
        let good = try scratch.makeCandidates(3)
        try scratch.write("candidates/binary.py", "x = 1\u{0}\n")
        try scratch.write("candidates/notes.txt", "not a candidate\n")
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run(["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises])
        // Its own status, not bad usage's 2: everything readable was graded.
        #expect(result.status == 4)
        #expect(result.stderr.contains("1 candidate(s) could not be read"))
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 4)
        let error = try #require(records.first { $0["schema"] as? String == "pygrade.batch-error/1" })
        #expect(error["submission"] as? String == "\(scratch.candidates)/binary.py")
        #expect((error["error"] as? String)?.contains("NUL") == true)
        #expect(Set(records.compactMap { $0["submission"] as? String }).isSuperset(of: good))
    }

    /// Every exercise's job of a worker shares one scratch mount. A job that
    /// leaves a file there gets a fresh tmpfs after it; that reset must be
    /// over before another exercise's job starts, or that job finds its
    /// working folder swapped under it and cannot write (on the old order
    /// about one candidate in twenty lost an exercise to PermissionError).
    @Test func aJobStartsInAWritableScratchWhateverTheJobBeforeLeft() throws {
        let scratch = try BatchScratch()
        try FileManager.default.createDirectory(atPath: scratch.path("exercises/triple"), withIntermediateDirectories: true)
        let double = try String(contentsOfFile: scratch.path("exercises/double/exercise.yaml"), encoding: .utf8)
        try scratch.write(
            "exercises/triple/exercise.yaml",
            double.replacingOccurrences(of: "double", with: "triple").replacingOccurrences(of: "Double", with: "Triple"))
        try scratch.write("exercises/triple/reference.py", "def triple(x):\n    return 3 * x\n")
        try scratch.write("exercises/triple/starter.py", "def triple(x):\n    pass\n")
        try scratch.write("exercises/triple/prompt.md", "Return three times x.\n")
        let count = 200
        for i in 0..<count {
            try scratch.write(
                "candidates/c\(i).py",
                """
                with open("left-in-scratch.txt", "w") as f:
                    f.write("\(i)")

                def double(x):
                    return x + x

                def triple(x):
                    return 3 * x

                """)
        }
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2", "--no-progress",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == count)
        for record in records {
            for exercise in record["exercises"] as? [[String: Any]] ?? [] {
                #expect(
                    exercise["status"] as? String == "passed",
                    "\(record["submission"] ?? "") \(exercise["id"] ?? ""): \(exercise["message"] ?? "")")
            }
        }
    }

    /// The CSV lists candidates as the batch does (by name), whatever order
    /// they were graded in, each with its id; a regraded candidate, whose
    /// record is now the file's last, keeps its row.
    @Test func csvRowsFollowTheCandidatesOrderWithTheirIds() throws {
        let scratch = try BatchScratch()
        let candidates = try scratch.makeCandidates(30)
        try scratch.write("candidates/binary.py", "x = 1\u{0}\n")
        try FileManager.default.createDirectory(atPath: scratch.path("candidates/folder"), withIntermediateDirectories: true)
        try scratch.write("candidates/folder/solution.py", "def double(x):\n    return x * 2\n")
        let out = scratch.path("results.jsonl")
        let csv = scratch.path("summary.csv")
        let args = [
            "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2", "--no-progress", "--resume",
            "--csv", csv,
        ]
        #expect(try PygradeBinary.run(args).status == 4)
        try scratch.write("candidates/cand00000.py", "def double(x):\n    return 0\n")
        #expect(try PygradeBinary.run(args).status == 4)
        // Graded again, the changed candidate and the error record are now last.
        let fileOrder = BatchScratch.lines(out).compactMap { $0?["submission"] as? String }
        #expect(fileOrder.count == 32 && Set(fileOrder.suffix(2)) == [candidates[0], "\(scratch.candidates)/binary.py"], "\(fileOrder)")

        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\r\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false)
        }
        #expect(rows.first?.prefix(4) == ["candidate", "submission", "sha256", "verdict"])
        let ids = rows.dropFirst().map { String($0[0]) }
        let names = (candidates.map { URL(fileURLWithPath: $0).lastPathComponent } + ["binary.py", "folder"]).sorted()
        #expect(ids == names)
        #expect(rows.dropFirst().allSatisfy { $0[1] == "\(scratch.candidates)/\($0[0])" })
        let first = try #require(rows.first { $0[0] == "cand00000.py" })
        #expect(first[3] == "failed")
        #expect(rows.first { $0[0] == "binary.py" }?[3] == "error")
    }

    /// The command docs/reports.md gives to validate a batch's results file,
    /// run as written there on a batch with an unreadable candidate: error
    /// records have a schema too, so it passes.
    @Test func readmesValidationCommandPassesOnABatchWithErrors() throws {
        let doc = try String(contentsOf: PygradeBinary.root.appendingPathComponent("docs/reports.md"), encoding: .utf8)
        let commands = doc.split(separator: "\n").filter { $0.hasPrefix("python3 scripts/validate_schema.py ") }.map {
            String($0.split(separator: "#", maxSplits: 1)[0]).trimmingCharacters(in: .whitespaces)
        }
        let forResults = try #require(commands.first { $0.hasSuffix(" results.jsonl") }, "docs/reports.md has no command for results.jsonl")
        let forReport = try #require(commands.first { $0.hasSuffix(" report.json") }, "docs/reports.md has no command for report.json")

        let scratch = try BatchScratch()
        try scratch.makeCandidates(3)
        try scratch.write("candidates/binary.py", "x = 1\u{0}\n")
        let fm = FileManager.default
        for folder in ["scripts", "docs"] {
            try fm.createSymbolicLink(
                atPath: scratch.path(folder), withDestinationPath: PygradeBinary.root.appendingPathComponent(folder).path)
        }
        let batch = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", scratch.path("results.jsonl"), "--exercises-dir", scratch.exercises, "--no-progress",
        ])
        #expect(batch.status == 4, "\(batch.stderr)")
        let report = try PygradeBinary.run([
            "grade", "\(scratch.candidates)/cand00001.py", "--exercises-dir", scratch.exercises, "--format", "json",
        ])
        try scratch.write("report.json", report.stdout)

        for command in [forResults, forReport] {
            let result = try ShellCommand.run(command, in: scratch.url)
            #expect(result.status == 0, "\(command): \(result.stdout)\(result.stderr)")
        }
        // The control: the report's schema alone refuses the error record.
        let control = try ShellCommand.run("python3 scripts/validate_schema.py docs/report.schema.json results.jsonl", in: scratch.url)
        #expect(control.status == 1 && control.stdout.contains("'pygrade.report/1' was expected"), "\(control.stdout)")
    }
}
