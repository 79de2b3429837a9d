import Foundation
import TestSupport
import Testing

/// Every kind of bad input ends in its exit status (docs/usage.md#bad-input) and
/// one clear line on stderr naming the file and the problem, with no stack
/// trace; or, for an empty or too deeply nested submission, in a graded
/// report that says why. (A broken `--resume` results file belongs to
/// `batch`, issue 5.)
@Suite("Bad input")
final class BadInputTests {
    let temporary = TemporaryFolder(prefix: "pygrade-bad")
    var dir: URL { temporary.url }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        temporary.write(name, bytes: bytes).path
    }

    func file(_ name: String, _ text: String) throws -> String { try file(name, Array(text.utf8)) }

    /// Exit 2 (or `status`), nothing on stdout, exactly one line on stderr
    /// holding every one of `mentions`, and no trace of a crash.
    func expectRefused(
        _ result: PygradeBinary.Result, status: Int32 = 2, _ mentions: String..., sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(result.status == status, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "\(result.stdout)", sourceLocation: sourceLocation)
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
        #expect(lines.count == 1 && result.stderr.hasSuffix("\n"), "not one line: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.hasPrefix("pygrade: "), "\(result.stderr)", sourceLocation: sourceLocation)
        for m in mentions { #expect(result.stderr.contains(m), "\(result.stderr) lacks \(m)", sourceLocation: sourceLocation) }
        for crash in ["Traceback", "Fatal error", "Stack dump", "Current stack trace", "0x0000"] {
            #expect(!result.stderr.contains(crash), "\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    /// A graded report: exit 1, every exercise of the report with `status`
    /// and a message holding `why`.
    func expectGraded(_ path: String, _ status: String, _ why: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let result = try PygradeBinary.run(["grade", path, "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.isEmpty, "\(result.stderr)", sourceLocation: sourceLocation)
        let exercises = try #require(try result.json()["exercises"] as? [[String: Any]], sourceLocation: sourceLocation)
        #expect(exercises.count >= 2, sourceLocation: sourceLocation)
        for e in exercises {
            #expect(e["status"] as? String == status, sourceLocation: sourceLocation)
            #expect((e["message"] as? String)?.contains(why) == true, "\(e["message"] ?? "")", sourceLocation: sourceLocation)
        }
    }

    @Test func missingPath() throws {
        let path = dir.appendingPathComponent("nowhere/solution.py").path
        expectRefused(try PygradeBinary.run(["grade", path]), "\(path): no such file or folder")
    }

    /// Root reads any file, so as root the capabilities that allow it are
    /// dropped (setpriv) for the run: the permission bits then hold.
    @Test func unreadableFile() throws {
        let path = try file("secret.py", "def flatten_list(x):\n    return x\n")
        chmod(path, 0)
        let arguments = ["grade", path, "--exercise", "flatten"]
        let result =
            getuid() == 0
            ? try PygradeBinary.run(
                ["--bounding-set=-dac_override,-dac_read_search", PygradeBinary.executable.path] + arguments,
                executable: URL(fileURLWithPath: "/usr/bin/setpriv"))
            : try PygradeBinary.run(arguments)
        expectRefused(result, "\(path): not readable (Permission denied)")
    }

    /// A FIFO would block a naive reader forever; it is refused up front
    /// (links and FIFOs inside a folder: BadInputLinkTests).
    @Test func notARegularFile() throws {
        let path = dir.appendingPathComponent("pipe.py").path
        #expect(mkfifo(path, 0o600) == 0)
        expectRefused(try PygradeBinary.run(["grade", path]), "\(path): a FIFO, not a regular file or a folder")
    }

    @Test func emptyFileIsGradedMissing() throws {
        try expectGraded(try file("empty.py", ""), "missing", "empty.py is empty")
        try expectGraded(try file("blank.py", "\n   \n\t\n"), "missing", "blank.py is empty")
    }

    @Test func binaryContentWithNULBytes() throws {
        let path = try file("program.py", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0] + Array("def f(): pass\n".utf8))
        expectRefused(try PygradeBinary.run(["grade", path]), "\(path): binary content (NUL bytes)")
        let nulInSource = try file("nul.py", Array("def flatten_list(x):\n    return '".utf8) + [0] + Array("'\n".utf8))
        expectRefused(try PygradeBinary.run(["grade", nulInSource]), "\(nulInSource): binary content (NUL bytes)")
    }

    @Test func contentThatIsNotUTF8() throws {
        let latin1 = Array("def flatten_list(x):\n    return '".utf8) + [0xE9] + Array("'\n".utf8)
        let path = try file("latin1.py", latin1)
        expectRefused(try PygradeBinary.run(["grade", path]), "\(path): not UTF-8 text")
        // Declared with a PEP 263 line, the same bytes are Python and are graded.
        let declared = try file("declared.py", Array("# -*- coding: latin-1 -*-\n".utf8) + latin1)
        let graded = try PygradeBinary.run(["grade", declared, "--exercise", "flatten", "--format", "json"])
        #expect(graded.status == 1, "\(graded.stderr)")
        let exercise = try #require((try graded.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "wrong_answer")
    }

    @Test func fileOverTheSizeLimit() throws {
        let head = "def find_duplicates(items):\n    return []\n"
        func source(_ size: Int) -> String { head + "#" + String(repeating: "x", count: size - head.utf8.count - 2) + "\n" }
        let limit = 1 << 20
        let over = try file("big.py", source(limit + 1))
        expectRefused(try PygradeBinary.run(["grade", over, "--exercise", "duplicates"]), over, "over the size limit of 1048576 bytes")
        // Exactly the limit is accepted, and --max-size moves the limit both ways.
        let exact = try file("exact.py", source(limit))
        #expect(try PygradeBinary.run(["grade", exact, "--exercise", "duplicates"]).status == 1)
        #expect(try PygradeBinary.run(["grade", over, "--exercise", "duplicates", "--max-size", "2000000"]).status == 1)
        let small = try file("small.py", source(200))
        expectRefused(
            try PygradeBinary.run(["grade", small, "--exercise", "duplicates", "--max-size", "100"]), small,
            "over the size limit of 100 bytes")
    }

    @Test func deeplyNestedSourceIsGradedSyntaxError() throws {
        try expectGraded(try file("unary.py", "x = " + String(repeating: "-", count: 20_000) + "1\n"), "syntax_error", "too deeply nested")
        try expectGraded(
            try file("brackets.py", "x = " + String(repeating: "[", count: 5000) + String(repeating: "]", count: 5000) + "\n"),
            "syntax_error", "too many nested parentheses")
        var indented = ""
        for depth in 0..<120 { indented += String(repeating: " ", count: depth) + "if True:\n" }
        indented += String(repeating: " ", count: 120) + "pass\n"
        try expectGraded(try file("indented.py", indented), "syntax_error", "too many levels of indentation")
    }

    @Test func unknownExerciseID() throws {
        expectRefused(
            try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "nope"]),
            "unknown exercise 'nope'", "known: ", "duplicates", "flatten")
    }

    @Test(arguments: [
        (["grade", "Fixtures/correct.py", "--bogus"], "--bogus"),
        (["grade", "Fixtures/correct.py", "--format", "yaml"], "'yaml' is invalid for '--format"),
        (["grade", "Fixtures/correct.py", "--max-size", "lots"], "'lots' is invalid for '--max-size"),
        (["grade", "Fixtures/correct.py", "--max-size", "0"], "--max-size must be at least 1 byte (got 0)"),
        (["grade", "Fixtures/correct.py", "--memory-limit", "1"], "--memory-limit"),
        (["grade", "Fixtures/correct.py", "--gradescope-hidden", "sometimes"], "'sometimes' is invalid for '--gradescope-hidden"),
        (["grade"], "path"),
        (["check", "--format", "json"], "'json' is invalid for '--format"),
        (["regrade", "x.py"], "regrade"),
    ])
    func badFlag(arguments: [String], mention: String) throws {
        expectRefused(try PygradeBinary.run(arguments), mention)
    }

    @Test func malformedExerciseDefinitionNamesItsFileAndLine() throws {
        let exercise = dir.appendingPathComponent("exercises/demo")
        try FileManager.default.createDirectory(at: exercise, withIntermediateDirectories: true)
        for (name, text) in [("prompt.md", "x\n"), ("starter.py", "def f(x): pass\n"), ("reference.py", "def f(x):\n    return x\n")] {
            try text.write(to: exercise.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let yaml = exercise.appendingPathComponent("exercise.yaml")
        let folder = exercise.deletingLastPathComponent().path
        let submission = PygradeBinary.fixture("correct.py")

        try "id: demo\ntitle: Demo\nentry: f\npoints: lots\ntests:\n  - {name: a, args: ['1']}\n".write(
            to: yaml, atomically: true, encoding: .utf8)
        expectRefused(try PygradeBinary.run(["grade", submission, "--exercises-dir", folder]), "\(yaml.path):4: points must be a number")

        try "id: demo\ntitle: Demo\nentry: f\ntests: [\n  - name: a\n".write(to: yaml, atomically: true, encoding: .utf8)
        expectRefused(try PygradeBinary.run(["grade", submission, "--exercises-dir", folder]), "\(yaml.path):5:")

        // `check` reports it as a failed check (exit 1), with the same place.
        let check = try PygradeBinary.run(["check", "--exercises", folder, "--fixtures", dir.appendingPathComponent("none").path])
        #expect(check.status == 1)
        #expect(check.stdout.contains("FAIL definition \(yaml.path): \(yaml.path):5:"), "\(check.stdout)")

        expectRefused(
            try PygradeBinary.run(["grade", submission, "--exercises-dir", dir.appendingPathComponent("nothing").path]),
            "nothing: not a folder of exercises")
    }
}
