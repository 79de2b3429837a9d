import Foundation
import PygradeKit
import Testing

/// `pygrade batch --out` and `--resume`: one record per candidate after a
/// kill, a changed candidate graded again, a results file or report that
/// pygrade cannot or must not write refused before anything is graded.
@Suite("pygrade batch: results file and resume")
struct BatchResumeTests {
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
}
