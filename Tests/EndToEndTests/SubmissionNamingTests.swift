import Foundation
import TestSupport
import Testing

/// Submissions as people name them: a folder is graded from `<id>.py`, then
/// `solution.py`, then `main.py`, then its only `.py` file (an LMS download);
/// a folder with nothing to grade is bad input, not 0 on every exercise; a
/// `missing` entry point's message names what the file defines instead,
/// from the compile child only.
@Suite("Submissions as people name them")
final class SubmissionNamingTests {
    let temporary = TemporaryFolder(prefix: "pygrade-names")
    var dir: URL { temporary.url }

    /// A folder under the scratch one, holding `files` (name to text).
    func folder(_ name: String, _ files: [String: String] = [:]) throws -> String {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        for (file, text) in files { try Data(text.utf8).write(to: url.appendingPathComponent(file)) }
        return url.path
    }

    static let correct = try! String(contentsOfFile: PygradeBinary.fixture("correct.py"), encoding: .utf8)
    static let wrongFlatten = "def flatten_list(nested):\n    return nested\n"
    static let lms = PygradeBinary.fixture("folder_lms_Jane_Doe_123_assignsubmission_file_")

    static func exercises(_ result: PygradeBinary.Result) throws -> [String: [String: Any]] {
        let list = try #require(try result.json()["exercises"] as? [[String: Any]], "\(result.stdout)\(result.stderr)")
        return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0) })
    }

    static func statuses(_ result: PygradeBinary.Result) throws -> [String: String] {
        try exercises(result).mapValues { $0["status"] as? String ?? "" }
    }

    func grade(_ path: String, _ extra: [String] = []) throws -> PygradeBinary.Result {
        try PygradeBinary.run(["grade", path, "--format", "json", "--exercise", "flatten", "--exercise", "duplicates"] + extra)
    }

    @Test func aFolderHoldingMainPyIsGradedFromIt() throws {
        let result = try grade(try folder("cand", ["main.py": Self.correct]))
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try Self.statuses(result) == ["flatten": "passed", "duplicates": "passed"])
    }

    /// `<id>.py` first, then `solution.py`, then `main.py`; another `.py`
    /// beside them is neither graded nor a reason to refuse the folder.
    @Test func filesAreLookedUpInOrder() throws {
        // flatten.py beats main.py; duplicates comes from main.py.
        let own = try grade(try folder("own", ["flatten.py": Self.wrongFlatten, "main.py": Self.correct]))
        #expect(try Self.statuses(own) == ["flatten": "wrong_answer", "duplicates": "passed"])
        // solution.py beats main.py.
        let both = try grade(try folder("both", ["solution.py": Self.correct, "main.py": Self.wrongFlatten, "notes.py": "x = 1\n"]))
        #expect(try Self.statuses(both) == ["flatten": "passed", "duplicates": "passed"])
        // main.py beats any other file.
        let main = try grade(try folder("main", ["main.py": Self.wrongFlatten, "helper.py": Self.correct]))
        #expect(try Self.statuses(main)["flatten"] == "wrong_answer")
        // A folder whose only source is one exercise's file grades the others from it too.
        let single = try grade(try folder("single", ["flatten.py": Self.correct]))
        #expect(try Self.statuses(single) == ["flatten": "passed", "duplicates": "passed"])
        // With several other sources, an exercise without its file is missing, and says why.
        let several = try grade(try folder("several", ["flatten.py": Self.correct, "helper.py": "x = 1\n"]))
        let duplicates = try #require(try Self.exercises(several)["duplicates"])
        #expect(duplicates["status"] as? String == "missing")
        #expect(
            duplicates["message"] as? String == "the folder has no duplicates.py, solution.py or main.py, and more than one other .py file")
    }

    /// An LMS download: a folder named after the student, one file of any
    /// name (`Fixtures/folder_lms_…/hw1.py`, which misspells find_duplicates).
    @Test func anLMSFolderWithOneFileIsGradedAndTheMissingMessageNamesWhatItDefines() throws {
        let result = try PygradeBinary.run(["grade", Self.lms, "--format", "json", "--exercise", "reverse", "--exercise", "duplicates"])
        #expect(result.status == 1, "\(result.stderr)")
        let exercises = try Self.exercises(result)
        #expect(exercises["reverse"]?["status"] as? String == "passed")
        #expect(exercises["duplicates"]?["status"] as? String == "missing")
        let message = "`find_duplicates` is not defined; hw1.py defines helper, find_dupes, reverse_string"
        #expect(exercises["duplicates"]?["message"] as? String == message)
        // Every format carries it.
        for format in ["text", "junit", "gradescope"] {
            let other = try PygradeBinary.run(["grade", Self.lms, "--format", format, "--exercise", "duplicates"])
            #expect(other.status == 1)
            let text = format == "text" ? other.stdout : other.stdout.replacingOccurrences(of: "&#96;", with: "`")
            #expect(text.contains("is not defined; hw1.py defines helper, find_dupes, reverse_string"), "\(format): \(other.stdout)")
        }
    }

    /// A hidden `._hw1.py` (what macOS leaves in an archive) is no source.
    @Test func hiddenFilesDoNotCount() throws {
        let path = try folder("Name_7_assignsubmission_file_", ["hw1.py": Self.correct, "._hw1.py": "\u{0}\u{5}binary"])
        let result = try grade(path)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    /// Exit 2, nothing on stdout, one line naming the folder and the problem.
    func expectRefused(_ result: PygradeBinary.Result, _ path: String, _ problem: String, sourceLocation: SourceLocation = #_sourceLocation)
    {
        #expect(result.status == 2, "\(result.stdout)\(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr == "pygrade: \(path): \(problem)\n", "\(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test func anEmptyFolderIsBadInput() throws {
        let path = try folder("empty")
        expectRefused(try PygradeBinary.run(["grade", path]), path, "the folder is empty: no .py file to grade")
    }

    @Test func aFolderWithoutPythonIsBadInput() throws {
        let path = try folder("notes", ["answers.txt": Self.correct, ".hidden.py": Self.correct])
        try FileManager.default.createDirectory(atPath: path + "/sub.py", withIntermediateDirectories: true)
        expectRefused(try PygradeBinary.run(["grade", path]), path, "the folder holds no .py file to grade")
    }

    @Test func severalUnnamedFilesAreBadInput() throws {
        let path = try folder("two", ["part1.py": Self.correct, "part2.py": Self.correct])
        expectRefused(
            try PygradeBinary.run(["grade", path]), path,
            "2 .py files (part1.py, part2.py) and none is solution.py, main.py or <exercise>.py: cannot tell which file to grade")
    }

    /// In a batch, such a folder gets an error record (kind input) and the
    /// rest is graded: an LMS folder among them.
    @Test func batchGivesUnreadableFoldersAnErrorRecordAndGradesTheRest() throws {
        let candidates = try folder("candidates")
        _ = try folder("candidates/empty")
        _ = try folder("candidates/notes", ["readme.txt": "hello\n"])
        _ = try folder("candidates/Ann_1_assignsubmission_file_", ["hw1.py": Self.correct])
        _ = try folder("candidates/Bob_2_assignsubmission_file_", ["main.py": Self.correct])
        let out = dir.appendingPathComponent("results.jsonl").path
        let result = try PygradeBinary.run(["batch", candidates, "--out", out, "--exercise", "flatten", "--no-progress"])
        #expect(result.status == 4, "\(result.stdout)\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 4)
        func record(_ name: String) -> [String: Any]? { records.first { $0["submission"] as? String == "\(candidates)/\(name)" } }
        #expect(record("empty")?["kind"] as? String == "input")
        #expect(record("empty")?["error"] as? String == "the folder is empty: no .py file to grade")
        #expect(record("notes")?["kind"] as? String == "input")
        #expect(record("notes")?["error"] as? String == "the folder holds no .py file to grade")
        #expect(record("Ann_1_assignsubmission_file_")?["verdict"] as? String == "passed")
        #expect(record("Bob_2_assignsubmission_file_")?["verdict"] as? String == "passed")
    }

    /// The names come from the compile child, which holds no input: a
    /// submission that holds a hidden input at load time and defines
    /// functions named after it (through globals() and exec) gets only its
    /// statically defined names reported. A load holds one only in a child
    /// started again after a test that died, from what that test left in
    /// scratch (kept between the children of one job; since the gc guard no
    /// load digs one out of memory). Its status proves that it held the
    /// hidden input: it defines `shout` (which writes its input and dies)
    /// otherwise.
    @Test func namesMadeAtRunTimeFromHiddenInputsAreNeverReported() throws {
        let setup = try VisibleOutputTests.Setup(
            candidate: """
                import os


                def helper(s):
                    return s


                found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
                for secret in found:
                    globals()["leak_" + secret.replace("-", "_")] = helper
                    exec("def made_" + secret.replace("-", "_") + "(): pass")
                if not found:
                    def shout(s):
                        with open("given", "a") as out:
                            out.write(s + " ")
                        os._exit(1)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let shout = try #require(try Self.exercises(json)["shout"])
        #expect(shout["status"] as? String == "missing", "the attack did not hold the hidden input: \(shout)")
        #expect(shout["message"] as? String == "`shout` is not defined; candidate.py defines helper, shout")
        for format in VisibleOutputTests.formats {
            let result = try setup.grade(format)
            for leak in ["SECRET", "leak_", "made_"] {
                #expect(!result.stdout.contains(leak) && !result.stderr.contains(leak), "\(format) holds \(leak): \(result.stdout)")
            }
        }
    }

    /// The same attack as a fixture, on the bundled exercises: the message
    /// is exactly the static names.
    @Test func theRunTimeNamesFixtureReportsOnlyItsStaticNames() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("attack_names_made_at_run_time.py"), "--format", "json", "--exercise", "reverse",
        ])
        #expect(
            try Self.exercises(result)["reverse"]?["message"] as? String
                == "`reverse_string` is not defined; attack_names_made_at_run_time.py defines dig, helper")
    }

    /// At most eight names, each cut to a readable length.
    @Test func theListOfNamesIsCapped() throws {
        let long = "a_function_name_that_goes_on_and_on_and_on_for_quite_a_while"
        let source = ([long] + (1...11).map { "f\($0)" }).map { "def \($0)():\n    pass\n" }.joined() + "class Solution:\n    pass\n"
        let path = dir.appendingPathComponent("many.py").path
        try Data(source.utf8).write(to: URL(fileURLWithPath: path))
        let result = try grade(path)
        let message = try #require(try Self.exercises(result)["flatten"]?["message"] as? String)
        #expect(
            message == "`flatten_list` is not defined; many.py defines \(long.prefix(40))…, f1, f2, f3, f4, f5, f6, f7 and 5 more")
    }

    /// One line above the table when no graded entry point is defined; none
    /// when one is.
    @Test func theTextReportSaysWhenNothingGradedIsDefined() throws {
        let line = "this submission defines none of the graded functions: every exercise is missing"
        let none = try PygradeBinary.run(["grade", Self.lms, "--exercise", "duplicates", "--exercise", "flatten"])
        let lines = none.stdout.split(separator: "\n").map(String.init)
        let header = try #require(lines.firstIndex { $0.hasPrefix("  exercise ") }, "\(none.stdout)")
        #expect(lines.firstIndex(of: line).map { $0 < header } == true, "\(none.stdout)")
        #expect(lines.filter { $0 == line }.count == 1)
        let some = try PygradeBinary.run(["grade", Self.lms, "--exercise", "duplicates", "--exercise", "reverse"])
        #expect(some.status == 1)
        #expect(!some.stdout.contains("defines none"), "\(some.stdout)")
    }
}
