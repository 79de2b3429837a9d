import Foundation
import PygradeKit
import Testing

/// What people type out of habit: `--version`, one spelling of the exercises
/// folder, `-` for standard input, a mistaken limit, shell completion.
@Suite("Command-line habits")
struct CommandLineTests {
    @Test func versionIsTheOneReportsCarry() throws {
        let result = try PygradeBinary.run(["--version"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "\(PygradeVersion.current)\n")
        let report = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "reverse", "--format", "json"])
            .json()
        #expect((report["grader"] as? [String: Any])?["version"] as? String == PygradeVersion.current)
    }

    /// `--exercises-dir` on every command that reads exercises; `--exercises`
    /// (check's and list's old spelling) still works everywhere but is not shown.
    @Test func theExercisesFolderHasOneSpellingOnEveryCommand() throws {
        let scratch = try BatchScratch()
        try scratch.makeCandidates(1)
        for command in ["grade", "batch", "check", "list"] {
            let help = try PygradeBinary.run([command, "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("--exercises-dir <exercises-dir>"), "\(command) --help:\n\(help.stdout)")
            #expect(!help.stdout.contains(/--exercises[^-]/), "\(command) --help shows the old spelling:\n\(help.stdout)")
        }
        for flag in ["--exercises-dir", "--exercises"] {
            let list = try PygradeBinary.run(["list", flag, scratch.exercises])
            #expect(list.status == 0 && list.stdout.contains("double  Double a number"), "list \(flag): \(list.stdout)\(list.stderr)")
            let grade = try PygradeBinary.run(["grade", "\(scratch.candidates)/cand00000.py", flag, scratch.exercises])
            #expect(grade.status == 0 && grade.stdout.contains(/double +passed/), "grade \(flag): \(grade.stdout)\(grade.stderr)")
            let out = scratch.path("results\(flag).jsonl")
            let batch = try PygradeBinary.run(["batch", scratch.candidates, flag, scratch.exercises, "--out", out, "--no-progress"])
            #expect(batch.status == 0 && BatchScratch.lineCount(out) == 1, "batch \(flag): \(batch.stderr)")
            try FileManager.default.createDirectory(atPath: scratch.path("no-fixtures"), withIntermediateDirectories: true)
            let check = try PygradeBinary.run(["check", flag, scratch.exercises, "--fixtures", scratch.path("no-fixtures")])
            #expect(check.status == 0 && check.stdout.contains("ok   definition double"), "check \(flag): \(check.stdout)\(check.stderr)")
        }
        let both = try PygradeBinary.run(["list", "--exercises", scratch.exercises, "--exercises-dir", "Exercises"])
        #expect(both.status == 2 && both.stderr == "pygrade: --exercises is the old spelling of --exercises-dir: give one of them\n")
    }

    /// `grade -`: the submission from standard input, piped or redirected,
    /// graded as the same file would be, under the same rules.
    @Test func gradeDashReadsTheSubmissionFromStandardInput() throws {
        let file = ShellCommand.quote(PygradeBinary.fixture("correct.py"))
        let fromFile = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--format", "json"]).json()
        for how in ["\"$PYGRADE\" grade - --format json < \(file)", "cat \(file) | \"$PYGRADE\" grade - --format json"] {
            let result = try ShellCommand.run(how)
            #expect(result.status == 0, "\(how): \(result.stderr)")
            let json = try result.json()
            #expect(json["submission"] as? String == "<stdin>")
            #expect(json["sha256"] as? String == fromFile["sha256"] as? String)
            #expect(json["score"] as? Double == 100 && json["verdict"] as? String == "passed")
        }
        // An empty input is an empty file: graded, every exercise missing.
        let empty = try ShellCommand.run("printf '' | \"$PYGRADE\" grade - --exercise flatten")
        #expect(empty.status == 1, "\(empty.stderr)")
        #expect(empty.stdout.contains("<stdin> is empty, so `flatten_list` is not defined"), "\(empty.stdout)")
        // The same refusals as a file's, in one line naming <stdin>.
        for (input, problem) in [
            ("printf 'x = 1\\000\\n'", "binary content (NUL bytes), not Python source"),
            ("printf 'x = \\351\\n'", "not UTF-8 text (and no PEP 263 coding line)"),
            ("head -c 2000 /dev/zero | tr '\\000' '#'", "over the size limit of 1000 bytes"),
        ] {
            let result = try ShellCommand.run("\(input) | \"$PYGRADE\" grade - --max-size 1000")
            #expect(result.status == 2, "\(input): \(result.stdout)")
            #expect(result.stderr == "pygrade: <stdin>: \(problem)\n")
        }
        // Redirected from a file, the size is known before reading.
        let big = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-big-\(UUID().uuidString).py")
        try Data(repeating: UInt8(ascii: "#"), count: 2000).write(to: big)
        defer { try? FileManager.default.removeItem(at: big) }
        let redirected = try ShellCommand.run("\"$PYGRADE\" grade - --max-size 1000 < \(ShellCommand.quote(big.path))")
        #expect(redirected.stderr == "pygrade: <stdin>: 2000 bytes is over the size limit of 1000 bytes\n")
    }

    /// A negative, zero, NaN or infinite limit gets one line naming the flag
    /// and its range (exit 2), not "Missing value" for `-1`.
    @Test(arguments: [
        (["grade", "x.py", "--time-limit", "-1"], "--time-limit must be more than 0 and at most 600 seconds (got -1)"),
        (["grade", "x.py", "--time-limit=-0.5"], "--time-limit must be more than 0 and at most 600 seconds (got -0.5)"),
        (["grade", "x.py", "--time-limit", "0"], "--time-limit must be more than 0 and at most 600 seconds (got 0)"),
        (["grade", "x.py", "--time-limit", "nan"], "--time-limit must be more than 0 and at most 600 seconds (got nan)"),
        (["grade", "x.py", "--memory-limit", "-5"], "--memory-limit must be from 16 to 65536 MiB (got -5)"),
        (["grade", "x.py", "--wall-budget", "-2"], "--wall-budget must be more than 0 and at most 3600 seconds (got -2)"),
        (["grade", "x.py", "--wall-budget", "inf"], "--wall-budget must be more than 0 and at most 3600 seconds (got inf)"),
        (["grade", "x.py", "--max-size", "-1"], "--max-size must be at least 1 byte (got -1)"),
        (["batch", "x", "--jobs", "-2"], "--jobs must be from 1 to 1024 (got -2)"),
        (["batch", "x", "--jobs", "0"], "--jobs must be from 1 to 1024 (got 0)"),
        (["batch", "x", "--time-limit", "-3"], "--time-limit must be more than 0 and at most 600 seconds (got -3)"),
    ])
    func anOutOfRangeLimitGetsOneLine(arguments: [String], message: String) throws {
        let result = try PygradeBinary.run(arguments)
        #expect(result.status == 2)
        #expect(result.stderr == "pygrade: \(message)\n")
        #expect(result.stdout.isEmpty)
    }

    /// argument-parser writes the completion scripts; docs/usage.md says how
    /// to install them, and they know every command's flags.
    @Test func shellCompletionScriptsAreProducedAndDocumented() throws {
        for shell in ["bash", "zsh", "fish"] {
            let result = try PygradeBinary.run(["--generate-completion-script", shell])
            #expect(result.status == 0, "\(shell): \(result.stderr)")
            // (fish names a flag without its dashes: `-l 'resume'`.)
            for word in ["grade", "batch", "check", "list", "doctor", "exercises-dir", "resume", "format"] {
                #expect(result.stdout.contains(word), "the \(shell) script lacks \(word)")
            }
        }
        let bash = try PygradeBinary.run(["--generate-completion-script", "bash"]).stdout
        #expect(bash.contains("complete -o filenames -F _pygrade pygrade"), "\(bash.suffix(300))")
        // check's flags come in its own function: --exercises-dir is there.
        let check = try #require(bash.range(of: "\n_pygrade_check() {"))
        let end = try #require(bash.range(of: "\n}\n", range: check.upperBound..<bash.endIndex))
        let checkFunction = bash[check.upperBound..<end.lowerBound]
        #expect(checkFunction.contains("--exercises-dir"), "\(checkFunction)")
        let usage = try String(contentsOf: PygradeBinary.root.appendingPathComponent("docs/usage.md"), encoding: .utf8)
        for shell in ["bash", "zsh", "fish"] {
            #expect(
                usage.contains("pygrade --generate-completion-script \(shell)"),
                "docs/usage.md does not say how to install \(shell) completion")
        }
    }

    /// Standard output closed (`>&-`): refused before anything is graded,
    /// never a report lost with exit 0 (nor one written into whatever file
    /// took descriptor 1).
    @Test func aClosedStandardOutputIsRefusedNotALostReport() throws {
        let file = ShellCommand.quote(PygradeBinary.fixture("correct.py"))
        for command in [
            "\"$PYGRADE\" grade \(file) >&-",
            "\"$PYGRADE\" batch \(ShellCommand.quote(PygradeBinary.root.appendingPathComponent("Fixtures").path)) --out /dev/null --no-progress >&-",
        ] {
            let result = try ShellCommand.run(command)
            #expect(result.status == 2, "\(command): \(result.stderr)")
            #expect(result.stderr == "pygrade: standard output is closed: there is nowhere to write the report\n", "\(command)")
        }
        // A full disk: the report not written is not a success.
        let full = try ShellCommand.run("\"$PYGRADE\" grade \(file) > /dev/full")
        #expect(
            full.status == 2 && full.stderr == "pygrade: cannot write the report to standard output: No space left on device\n",
            "\(full.stderr)")
    }
}
