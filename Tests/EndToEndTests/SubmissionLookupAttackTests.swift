import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Feedback attacks, points 2 and 4: the names a file defines, folders
/// looked up by their only `.py`, an assignment file a candidate ships.
/// ("needs point N": see FeedbackAttackTests.)
@Suite("Feedback attacks: submission look-up")
struct SubmissionLookupAttackTests: FeedbackAttackSupport {
    // MARK: Point 2: the names a file defines, folders by their only .py

    /// At load, the file takes the hidden inputs an earlier child of its job
    /// was given (each test writes its input to scratch, kept between the
    /// children of one job, and dies: the next test gets a child started
    /// again; no load can dig them out of memory since the gc guard) and
    /// binds functions named after them (globals(), exec of a `def`, setattr
    /// on its module), and defines `shout` only when there were none: so it
    /// is `missing` in the normal run, which proves it held them. The
    /// missing entry point's message names the functions the file defines;
    /// only names written in the source, from a process that holds no input,
    /// may appear. (Needs point 2 for the names; no leak holds today.)
    @Test func theDefinesListHoldsNoNameMadeAtRunTime() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            import os
            import sys


            def helper_one():
                return 1


            def helper_two(x):
                return x


            found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
            for f in found:
                h = f.encode().hex()
                globals()["leak_" + h] = helper_one
                exec("def leakexec_" + h + "(): pass")
                setattr(sys.modules[__name__], "leakattr_" + h, helper_two)

            if not found:
                def shout(s):
                    with open("given", "a") as out:
                        out.write(" ".join(s) + " " if isinstance(s, list) else s + " ")
                    os._exit(1)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let json = try #require(outputs["json"])
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing", "no restarted child held a hidden input at load: \(exercise)")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("helper_one") && message.contains("helper_two"), "needs point 2: \(message)")
        let shown = Self.leaks(outputs, Arena.markers + ["leak_", "leakexec_", "leakattr_"])
        #expect(shown.isEmpty, "\(shown)")
    }

    /// Five thousand functions of 70-character names and no entry point: the
    /// list of names is capped, in every format. (Needs point 2.)
    @Test func theDefinesListIsCapped() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let filler = String(repeating: "x", count: 62)
        try arena.write("cand.py", (0..<5000).map { String(format: "def fn_%04d_", $0) + filler + "():\n    pass\n" }.joined())
        var outputs: [String: Run] = [:]
        for format in ["text", "json", "junit", "gradescope"] { outputs[format] = try arena.grade("cand.py", format) }
        let json = try #require(outputs["json"])
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("fn_"), "needs point 2: the message names some of the functions: \(message)")
        #expect(message.count <= 2000 && message.components(separatedBy: "fn_").count <= 101, "\(message.count) characters")
        for (name, run) in outputs {
            #expect(run.stdout.count < 64 << 10, "\(name): \(run.stdout.count) bytes")
        }
    }

    /// Names as Python binds them: a `def` spelled `ﬁnd_thing` (U+FB01)
    /// binds `find_thing` (identifiers are NFKC-normalised), so the list
    /// must say `find_thing`, as the parsed tree does, not the raw text.
    /// (Needs point 2; Fixtures/attack_nfkc_entry_names.py: such entry
    /// points are defined, and pass.)
    @Test func theDefinesListGivesNamesAsPythonBindsThem() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("cand.py", "def \u{FB01}nd_thing():\n    pass\n\n\ndef sh\u{1D428}ut_helper():\n    pass\n")
        let json = try arena.grade("cand.py", "json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("find_thing") && message.contains("shout_helper"), "needs point 2: \(message)")
        #expect(!message.contains("\u{FB01}") && !message.contains("\u{1D428}"), "names from the raw text: \(message)")
    }

    /// A folder whose only `.py` (as an LMS download names it) is a symbolic
    /// link to a secret: refused, one line, nothing of the target shown.
    /// (Holds today; Fixtures/attack_only_py_is_a_symlink links the reference.)
    @Test func aFolderWhoseOnlyPyIsASymlinkIsRefused() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try FileManager.default.createDirectory(atPath: arena.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: arena.path("sub/hw1.py"), withDestinationPath: "/etc/passwd")
        let run = try arena.grade("sub", "text")
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("hw1.py: a symbolic link"), "\(run.err)")
        #expect(run.stdout.isEmpty && !run.err.contains("root:"))
    }

    /// A FIFO named `main.py` that no one writes to: refused at once, never
    /// opened for a blocking read. (Holds today.)
    @Test func aFIFONamedMainPyIsRefusedWithoutWaiting() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try FileManager.default.createDirectory(atPath: arena.path("sub"), withIntermediateDirectories: true)
        #expect(mkfifo(arena.path("sub/main.py"), 0o644) == 0)
        let run = try FeedbackAttackTests.run(["grade", arena.path("sub"), "--exercises-dir", arena.exercises], timeout: 20)
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("main.py: a FIFO"), "\(run.err)")
        #expect(run.seconds < 10)
    }

    /// `solution.py` is a folder holding a right answer (as `solution.py`
    /// and `shout.py`), next to `hw.py`, a wrong one: sub-folders are never
    /// looked into, so the right answer is never graded. `hw.py`, the only
    /// `.py` file, is (a wrong answer); or the folder is refused, in one line
    /// naming `solution.py`. (Needs point 2: today the folder is `missing`.)
    @Test func aSolutionPyThatIsAFolderIsNotLookedInto() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let right = "def shout(s):\n    return \(Arena.right)\n"
        try arena.write("sub/solution.py/solution.py", right)
        try arena.write("sub/solution.py/shout.py", right)
        try arena.write("sub/hw.py", "def shout(s):\n    return s\n")
        let run = try arena.grade("sub", "json")
        if run.status == 2 {
            #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("solution.py"), "\(run.err)")
        } else {
            let exercise = try #require((try run.json()["exercises"] as? [[String: Any]])?.first, "\(run.err)")
            #expect(exercise["status"] as? String == "wrong_answer", "needs point 2: hw.py graded, nothing else: \(exercise)")
        }
    }

    /// A right answer only inside a sub-folder: the folder has no `.py` of
    /// its own, which is bad input (exit 2, one line); the sub-folder is not
    /// looked into. (Needs point 2: today `missing`, exit 1.)
    @Test func aPyFileInASubFolderOnlyIsBadInput() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("sub/inner/shout.py", "def shout(s):\n    return \(Arena.right)\n")
        let run = try arena.grade("sub", "text")
        #expect(run.status == 2, "needs point 2: \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.stdout.isEmpty, "\(run.err)")
    }

    /// The folder's only `.py` is named with terminal escapes (OSC 52 writes
    /// the clipboard, CSI 31m turns the terminal red) and does not compile:
    /// it is graded (a syntax error), and the text report and stderr show
    /// the name escaped. (Needs point 2: today the folder is `missing`.)
    @Test func anOnlyPyNamedWithEscapesIsShownEscaped() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("sub/\u{1B}]52;c;SGk=\u{07}\u{1B}[31mhw.py", "def shout(s:\n")
        let json = try arena.grade("sub", "json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first, "\(json.err)")
        #expect(exercise["status"] as? String == "syntax_error", "needs point 2: the only .py is graded: \(exercise)")
        let text = try arena.grade("sub", "text")
        for output in [text.out, text.err, json.err] {
            #expect(!output.unicodeScalars.contains("\u{1B}") && !output.unicodeScalars.contains("\u{07}"), "\(output)")
        }
    }

    // MARK: Point 4: an assignment a candidate writes

    /// A candidate ships its own `assignment.yaml` (1000 points for the one
    /// exercise, minutes of CPU per test) in its folder, as an LMS download
    /// keeps every file a student uploads: neither `batch` of the folder of
    /// candidates, nor `grade` of the candidate's folder or of the file next
    /// to it, may grade under it. (Holds since point 4 landed.)
    @Test func aCandidatesOwnAssignmentFileIsNeverRead() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let own = "name: Mine\nexercises:\n  - id: shout\n    points: 1000\n    limits: {time: 60, budget: 600}\n"
        try arena.write("candidates/alice/shout.py", "def shout(s):\n    return 'nope'\n")
        try arena.write("candidates/alice/assignment.yaml", own)
        try arena.write("candidates/bob.py", "def shout(s):\n    return 'nope'\n")
        let out = arena.path("results.jsonl")
        let batch = try Self.run([
            "batch", arena.candidates, "--exercises-dir", arena.exercises, "--out", out, "--no-progress", "--jobs", "1",
        ])
        #expect(batch.status == 0, "\(batch.err)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2, "\(records)")
        for record in records {
            #expect(record["assignment"] == nil && record["max_score"] as? Double == 20, "\(record)")
        }
        for path in ["candidates/alice", "candidates/alice/shout.py"] {
            let run = try arena.grade(path, "json")
            let report = try run.json()
            #expect(report["assignment"] == nil && report["max_score"] as? Double == 20, "\(path): \(report)")
        }
    }
}
