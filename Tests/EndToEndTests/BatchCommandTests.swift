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

    /// `kill -9` mid-batch, a torn line on top (what a power cut could leave),
    /// then `--resume`: one record per candidate, every line valid JSON.
    @Test func killNineThenResumeLeavesExactlyOneRecordPerCandidate() throws {
        let scratch = try BatchScratch()
        let candidates = try scratch.makeCandidates(600)
        let out = scratch.path("results.jsonl")
        let args = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2"]
        let process = try scratch.start(args)
        let deadline = Date().addingTimeInterval(120)
        while BatchScratch.lineCount(out) < 60 && process.isRunning && Date() < deadline { usleep(5000) }
        let workers = ProcessSample(process.processIdentifier)?.children ?? []
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        let before = BatchScratch.lines(out)
        #expect(before.count >= 60 && before.count < candidates.count, "killed after \(before.count) records")
        #expect(before.allSatisfy { $0 != nil }, "a kill -9 left a broken line")
        // The workers do not outlive their orchestrator.
        for _ in 0..<200 where !workers.allSatisfy(ProcessSample.isGone) { usleep(10000) }
        #expect(!workers.isEmpty && workers.allSatisfy(ProcessSample.isGone), "workers \(workers) outlived the batch")

        let torn = Data("{\"schema\":\"pygrade.report/1\",\"submission\":\"\(candidates[0])\",\"exer".utf8)
        let handle = try #require(FileHandle(forWritingAtPath: out))
        handle.seekToEndOfFile()
        handle.write(torn)
        try handle.close()

        let resumed = try PygradeBinary.run(args + ["--resume", "--no-progress"])
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("removed a torn last line"))
        let after = BatchScratch.lines(out)
        #expect(after.allSatisfy { $0 != nil }, "a line is not valid JSON")
        let submissions = after.compactMap { $0?["submission"] as? String }
        #expect(submissions.count == candidates.count)
        #expect(Set(submissions) == Set(candidates))
        // The records written before the kill were kept, not redone.
        #expect(Array(submissions.prefix(before.count)) == before.map { $0!["submission"] as! String })

        // A second resume has nothing left to grade and changes nothing.
        let size = try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int
        let again = try PygradeBinary.run(args + ["--resume"])
        #expect(again.status == 0)
        #expect(again.stderr.contains("\(candidates.count) already graded"))
        #expect(try FileManager.default.attributesOfItem(atPath: out)[.size] as? Int == size)
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

    @Test func aResultsFilePygradeDidNotWriteIsRefusedAndLeftAlone() throws {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(2)
        for text in ["name,score\nana,3\n", "[{\"schema\": \"pygrade.report/1\"}]", "hello"] {
            let out = scratch.path("foreign.txt")
            try scratch.write("foreign.txt", text)
            let result = try PygradeBinary.run([
                "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--resume",
            ])
            #expect(result.status == 2)
            #expect(result.stderr.hasPrefix("pygrade: \(out): ") && result.stderr.contains("not a results file pygrade wrote"))
            #expect(result.stderr.split(separator: "\n").count == 1)
            #expect(try String(contentsOfFile: out, encoding: .utf8) == text)
        }
        // Without --resume, results already there are never overwritten.
        let out = scratch.path("results.jsonl")
        let args = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises]
        #expect(try PygradeBinary.run(args).status == 0)
        let before = try String(contentsOfFile: out, encoding: .utf8)
        let again = try PygradeBinary.run(args)
        #expect(again.status == 2 && again.stderr.contains("already holds results"))
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
    }

    @Test func anUnwritableReportIsRefusedBeforeAnythingIsGraded() throws {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(2)
        let out = scratch.path("results.jsonl")
        let report = scratch.path("no-such-folder/report.html")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--report", report,
        ])
        #expect(result.status == 2)
        #expect(result.stderr == "pygrade: \(report): cannot write (No such file or directory)\n")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func resumeRegradesAChangedCandidateAndKeepsOneRecord() throws {
        let scratch = try BatchScratch()
        let candidates = try scratch.makeCandidates(4)
        let out = scratch.path("results.jsonl")
        let args = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--resume"]
        #expect(try PygradeBinary.run(args).status == 0)
        try scratch.write("candidates/cand00001.py", "def double(x):\n    return x * 2\n")
        let result = try PygradeBinary.run(args)
        #expect(result.status == 0)
        #expect(result.stderr.contains("3 already graded"))
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 4 && Set(records.compactMap { $0["submission"] as? String }) == Set(candidates))
        let changed = try #require(records.first { $0["submission"] as? String == candidates[1] })
        #expect(changed["verdict"] as? String == "passed")
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

    /// Ctrl-C (SIGINT) mid-batch: the candidates in hand are finished, the
    /// results file holds whole records, the exit status is 130, and the
    /// command printed last continues the batch to one record per candidate.
    @Test func ctrlCStopsCleanlyAndPrintsTheResumeCommand() throws {
        let scratch = try BatchScratch()
        let candidates = try scratch.makeCandidates(600)
        let out = scratch.path("results.jsonl")
        let stderrPath = scratch.path("stderr.txt")
        FileManager.default.createFile(atPath: stderrPath, contents: nil)
        let process = Process()
        process.executableURL = PygradeBinary.executable
        process.arguments = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2"]
        process.currentDirectoryURL = PygradeBinary.root
        process.environment = ProcessInfo.processInfo.environment.merging(["PYGRADE_CACHE": PygradeBinary.cache]) { $1 }
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: stderrPath)
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while BatchScratch.lineCount(out) < 60 && process.isRunning && Date() < deadline { usleep(5000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationReason == .exit && process.terminationStatus == 130, "\(process.terminationReason)")

        let stderr = try String(contentsOfFile: stderrPath, encoding: .utf8)
        let lines = stderr.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.last == "", "stderr does not end with a newline: \(stderr)")
        #expect(lines.contains("pygrade: interrupted: finishing the candidates being graded (Ctrl-C again to stop at once)"), "\(stderr)")
        let before = BatchScratch.lines(out)
        #expect(before.count >= 60 && before.count < candidates.count, "stopped after \(before.count) records")
        #expect(before.allSatisfy { $0 != nil }, "a broken line")
        let done = before.compactMap { $0?["submission"] as? String }
        #expect(Set(done).count == done.count, "a candidate graded twice")
        #expect(lines.dropLast().last?.hasPrefix("  ") == true)
        #expect(lines.dropLast(2).last == "pygrade: stopped with \(before.count) of \(candidates.count) candidates in \(out); to continue:")
        let command = try #require(lines.dropLast().last).trimmingCharacters(in: .whitespaces)
        #expect(command == (["\(PygradeBinary.executable.path)"] + process.arguments! + ["--resume"]).joined(separator: " "))

        let resumed = try ShellCommand.run(command + " --no-progress")
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stdout.contains("\(candidates.count) candidates: \(candidates.count) graded"), "\(resumed.stdout)")
        let after = BatchScratch.lines(out)
        #expect(after.allSatisfy { $0 != nil })
        let submissions = after.compactMap { $0?["submission"] as? String }
        #expect(submissions.count == candidates.count && Set(submissions) == Set(candidates))
        #expect(Array(submissions.prefix(done.count)) == done, "the records before Ctrl-C were not kept as they were")
    }

    /// On a terminal the progress bar is redrawn in place: Ctrl-C ends its
    /// line before saying anything, so the message does not overwrite it.
    @Test func ctrlCOnATerminalEndsTheProgressBarsLine() throws {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(600)
        let out = scratch.path("results.jsonl")
        let typescript = scratch.path("typescript")
        let arguments = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--jobs", "2"]
        // `script` runs the batch on a pseudo-terminal and copies what it shows.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        process.arguments = ["-qfec", ([PygradeBinary.executable.path] + arguments).joined(separator: " "), typescript]
        process.currentDirectoryURL = PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        env["TERM"] = "xterm"
        process.environment = env
        process.standardInput = FileHandle(forReadingAtPath: "/dev/null")
        process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        process.standardError = FileHandle(forWritingAtPath: "/dev/null")
        try process.run()
        let deadline = Date().addingTimeInterval(120)
        while BatchScratch.lineCount(out) < 60 && process.isRunning && Date() < deadline { usleep(5000) }
        // The batch itself, not `script`: its command line names our results file.
        let pid = try #require(Self.pid(commandLine: [PygradeBinary.executable.path] + arguments))
        kill(pid, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 130, "script reports the batch's status")
        let shown = String(decoding: try Data(contentsOf: URL(fileURLWithPath: typescript)), as: UTF8.self)
        let message = try #require(shown.range(of: "pygrade: interrupted:"), "\(shown.suffix(400))")
        let before = shown[..<message.lowerBound]
        #expect(before.hasSuffix("\r\n"), "the message does not start on a line of its own: \(before.suffix(200).debugDescription)")
        let barLine = before.dropLast(2).split(separator: "\r").last ?? ""
        #expect(barLine.contains("] ") && barLine.contains("█"), "not the bar: \(barLine.debugDescription)")
        #expect(shown.contains("to continue:"))
    }

    /// The pid of the process whose arguments are exactly these.
    static func pid(commandLine: [String]) -> Int32? {
        let want = Data(commandLine.joined(separator: "\u{0}").utf8) + Data([0])
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(entry), let cmdline = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline") else { continue }
            if cmdline == want { return pid }
        }
        return nil
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
