import Foundation
import PygradeKit
import Testing

/// Ctrl-C during `pygrade batch`, piped and on a terminal.
@Suite("pygrade batch: Ctrl-C")
struct BatchInterruptTests {
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
}
