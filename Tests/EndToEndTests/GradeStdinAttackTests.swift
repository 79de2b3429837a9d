import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Feedback attacks, point 7: `grade -` reading standard input, and paths
/// of one character.
/// ("needs point N": see FeedbackAttackTests.)
@Suite("Feedback attacks: grade -")
struct GradeStdinAttackTests: FeedbackAttackSupport {
    // MARK: Point 7: `grade -`

    /// Standard input graded as a file: the same verdict and the same
    /// SHA-256 as the file it came from. (Needs point 7.)
    @Test func gradeDashGradesStandardInput() throws {
        let file = PygradeBinary.fixture("correct.py")
        let fromFile = try Self.run(["grade", file, "--exercise", "reverse", "--format", "json"])
        let fromStdin = try Self.run(["grade", "-", "--exercise", "reverse", "--format", "json"], stdin: file)
        #expect(fromStdin.status == 0, "needs point 7: \(fromStdin.err)")
        let a = try fromFile.json()
        let b = try fromStdin.json()
        #expect(b["sha256"] as? String == a["sha256"] as? String)
        #expect(b["verdict"] as? String == "passed")
    }

    /// Bytes that are no source, on standard input: each refused in one line
    /// (exit 2), for what it is (today: "-: no such file or folder").
    /// (Needs point 7.)
    @Test(arguments: [
        ("binary", Data("def reverse_string(s):\u{0}\n    return s\n".utf8), "NUL"),
        ("latin-1 without a coding line", Data([0x23, 0x20, 0xE9, 0x0A]), "UTF-8"),
    ])
    func gradeDashRefusesWhatIsNoSource(what: String, bytes: Data, mention: String) throws {
        let arena = try Arena()
        defer { arena.remove() }
        try bytes.write(to: URL(fileURLWithPath: arena.path("stdin")))
        let run = try Self.run(["grade", "-", "--exercise", "reverse"], stdin: arena.path("stdin"))
        #expect(run.status == 2, "\(what): \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains(mention), "needs point 7: \(what): \(run.err)")
    }

    /// Empty standard input is an empty submission: graded `missing`, like
    /// an empty file. (Needs point 7.)
    @Test func gradeDashOfNothingIsMissing() throws {
        let run = try Self.run(["grade", "-", "--exercise", "reverse", "--format", "json"], stdin: "/dev/null")
        #expect(run.status == 1, "needs point 7: \(run.err)")
        let exercise = try #require((try? run.json()["exercises"] as? [[String: Any]])?.first, "\(run.err)")
        #expect(exercise["status"] as? String == "missing")
        #expect((exercise["message"] as? String)?.contains("empty") == true, "\(exercise)")
    }

    /// An endless stream on standard input (`yes`): pygrade stops reading
    /// one byte past the size limit and refuses it in one line; it neither
    /// waits for an end that never comes nor holds the stream in memory.
    /// (Needs point 7.)
    @Test func gradeDashStopsReadingAnEndlessStream() throws {
        // `yes` says "Broken pipe" on the shared stderr when the test runner
        // ignores SIGPIPE (and its children inherit that): not pygrade's line.
        let run = try Self.shell(#"yes 'x = 1' 2>/dev/null | "$0" "$@""#, ["grade", "-", "--exercise", "reverse"], timeout: 60)
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("size limit"), "needs point 7: \(run.err)")
        #expect(run.seconds < 30)
    }

    /// Standard input closed, or a folder: refused in one line naming why
    /// (exit 2, not a crash, not a hang). A closed descriptor 0 is also the
    /// first one the next open() or pipe() would get: pygrade must not read
    /// a pipe of its own as the submission. (Needs point 7.)
    @Test(arguments: [#"exec "$0" "$@" <&-"#, #"exec "$0" "$@" < /"#])
    func gradeDashRefusesAStdinThatCannotBeRead(script: String) throws {
        let run = try Self.shell(script, ["grade", "-", "--exercise", "reverse"], timeout: 30)
        #expect(run.status == 2, "\(script): \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1, "\(script): \(run.err)")
        #expect(!run.err.contains("no such file"), "needs point 7: \(script): \(run.err)")
    }

    /// Found by this suite: a path of one character, as an operator types
    /// it (`grade a`, and `grade -` once point 7 lands), or a results file
    /// named so (`batch --out r`, rewritten by `--resume`), went through
    /// Foundation's `NSString.deletingLastPathComponent`, which traps on a
    /// one-character string in this toolchain: pygrade died of SIGILL (exit
    /// 132) with a 37-line backtrace instead of grading.
    @Test func aOneCharacterPathIsGradedNotACrash() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("a", "def shout(s):\n    return 'nope'\n")
        let grade = try Self.run(["grade", "a", "--exercises-dir", arena.exercises], cwd: arena.dir.path)
        #expect(grade.status == 1, "exit \(grade.status): \(grade.err.prefix(300))")
        #expect(grade.out.hasPrefix("a  failed"), "\(grade.out)")
        try arena.write("candidates/c.py", "def shout(s):\n    return 'nope'\n")
        let batch = ["batch", "candidates", "--exercises-dir", arena.exercises, "--out", "r", "--no-progress", "--jobs", "1"]
        let first = try Self.run(batch, cwd: arena.dir.path)
        #expect(first.status == 0, "exit \(first.status): \(first.err.prefix(300))")
        // Changed: --resume grades it again and rewrites the results file.
        try arena.write("candidates/c.py", "def shout(s):\n    return \(Arena.right)\n")
        let again = try Self.run(batch + ["--resume"], cwd: arena.dir.path)
        #expect(again.status == 0, "exit \(again.status): \(again.err.prefix(300))")
        let records = BatchScratch.lines(arena.path("r")).compactMap { $0 }
        #expect(records.count == 1 && records.first?["verdict"] as? String == "passed", "\(records)")
    }
}
