import Foundation
import PygradeKit
import Testing

/// Assignments (docs/assignments.md): which exercises count, in which
/// order, with which points and limits, and what Gradescope shows.
@Suite("pygrade assignments")
struct AssignmentTests {
    /// BatchScratch's `double` (10 points; a visible test and a hidden one,
    /// 1 s CPU, 256 MiB, 4096 bytes of output) and a `triple` like it.
    static func scratch() throws -> BatchScratch {
        let scratch = try BatchScratch()
        try FileManager.default.createDirectory(atPath: scratch.path("exercises/triple"), withIntermediateDirectories: true)
        let double = try String(contentsOfFile: scratch.path("exercises/double/exercise.yaml"), encoding: .utf8)
        try scratch.write(
            "exercises/triple/exercise.yaml",
            double.replacingOccurrences(of: "double", with: "triple").replacingOccurrences(of: "Double", with: "Triple"))
        try scratch.write("exercises/triple/reference.py", "def triple(x):\n    return 3 * x\n")
        try scratch.write("exercises/triple/starter.py", "def triple(x):\n    pass\n")
        try scratch.write("exercises/triple/prompt.md", "Return three times x.\n")
        return scratch
    }

    static let doubleOnly = "def double(x):\n    return 2 * x\n"
    static let both = "def double(x):\n    return 2 * x\n\ndef triple(x):\n    return 3 * x\n"

    static func grade(_ scratch: BatchScratch, _ candidate: String, _ extra: [String]) throws -> PygradeBinary.Result {
        try PygradeBinary.run(["grade", scratch.path(candidate), "--exercises-dir", scratch.exercises] + extra)
    }

    static func ids(_ report: [String: Any]) -> [String] {
        (report["exercises"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    static func sha256(_ text: String) -> String { Digest.hex(Digest.sha256(Array(text.utf8))) }

    /// A file answering one exercise, under an assignment of that exercise:
    /// one row, scored out of the assignment's points, passed; the report
    /// names the assignment and the hash of its file.
    @Test func anAssignmentOfOneExerciseGradesOnlyItOutOfItsPoints() throws {
        let scratch = try Self.scratch()
        try scratch.write("solution.py", Self.doubleOnly)
        let text = "name: Doubling\nexercises:\n  - id: double\n    points: 4\n"
        try scratch.write("week1.yaml", text)
        // Without it, every exercise counts: triple is missing.
        let all = try Self.grade(scratch, "solution.py", ["--format", "json"])
        #expect(all.status == 1)
        let allReport = try all.json()
        #expect(Self.ids(allReport) == ["double", "triple"] && allReport["max_score"] as? Double == 20)
        #expect(allReport["assignment"] == nil)

        let json = try Self.grade(scratch, "solution.py", ["--format", "json", "--assignment", scratch.path("week1.yaml")])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try json.json()
        #expect(Self.ids(report) == ["double"])
        #expect(report["verdict"] as? String == "passed")
        #expect(report["score"] as? Double == 4 && report["max_score"] as? Double == 4)
        let assignment = try #require(report["assignment"] as? [String: Any])
        #expect(assignment["name"] as? String == "Doubling")
        #expect(assignment["sha256"] as? String == Self.sha256(text))
        let tests = try #require((report["exercises"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        #expect(tests.compactMap { $0["max_score"] as? Double } == [2, 2])
        let outcome = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(outcome.status == 0, "\(outcome.problems)")

        let plain = try Self.grade(scratch, "solution.py", ["--assignment", scratch.path("week1.yaml")])
        let lines = plain.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "\(scratch.path("solution.py"))  passed  4/4")
        #expect(lines.dropFirst().first == "  assignment: Doubling (sha256 \(Self.sha256(text).prefix(12)))")
        #expect(lines.filter { $0.hasPrefix("  double") || $0.hasPrefix("  triple") } == ["  double    passed    4/4    2/2"])
    }

    /// The report lists the exercises in the assignment's order, and
    /// `--exercise` chooses among them without changing it.
    @Test func theAssignmentsOrderIsTheReportsOrder() throws {
        let scratch = try Self.scratch()
        try scratch.write("solution.py", Self.both)
        try scratch.write("a.yaml", "name: Backwards\nexercises: [triple, double]\n")
        let a = ["--assignment", scratch.path("a.yaml")]
        #expect(Self.ids(try Self.grade(scratch, "solution.py", ["--format", "json"]).json()) == ["double", "triple"])
        #expect(Self.ids(try Self.grade(scratch, "solution.py", ["--format", "json"] + a).json()) == ["triple", "double"])
        let chosen = try Self.grade(scratch, "solution.py", ["--format", "json", "--exercise", "double", "--exercise", "triple"] + a)
        #expect(Self.ids(try chosen.json()) == ["triple", "double"])
        let rows = try Self.grade(scratch, "solution.py", a).stdout.split(separator: "\n").filter {
            $0.hasPrefix("  triple") || $0.hasPrefix("  double")
        }
        #expect(rows.map { $0.split(separator: " ").first } == ["triple", "double"])
    }

    /// Each of the assignment's limits applies to the candidate: a solution
    /// that passes under the exercise's own limits fails under the tighter one.
    @Test(arguments: [
        // 4M additions: a few hundred ms of CPU, under 1 s, over 0.05 s.
        ("{time: 0.05}", "    n = 0\n    for i in range(4_000_000):\n        n += i\n", "time_limit_exceeded"),
        ("{memory: 32}", "    block = bytearray(100 << 20)\n", "memory_limit_exceeded"),
        ("{output: 1024}", "    print('x' * 2000)\n", "output_limit_exceeded"),
        // Two tests of 0.4 s of sleep: within 10 s, not within 0.5 s.
        ("{budget: 0.5}", "    import time\n    time.sleep(0.4)\n", "time_limit_exceeded"),
    ])
    func theAssignmentsLimitsApply(limits: String, body: String, status: String) throws {
        let scratch = try Self.scratch()
        try scratch.write("slow.py", "def double(x):\n\(body)    return 2 * x\n")
        try scratch.write("a.yaml", "name: Tight\nexercises:\n  - id: double\n    limits: \(limits)\n")
        let own = try Self.grade(scratch, "slow.py", ["--format", "json", "--exercise", "double"])
        let ownStatus = (try own.json()["exercises"] as? [[String: Any]])?.first?["status"] as? String
        #expect(ownStatus == "passed", "\(own.stdout)")
        let tight = try Self.grade(scratch, "slow.py", ["--format", "json", "--assignment", scratch.path("a.yaml")])
        #expect(tight.status == 1)
        let exercise = try #require((try tight.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == status, "\(exercise["message"] ?? "")")
    }

    /// `--time-limit` and `--memory-limit` still win over the assignment.
    @Test func limitFlagsStillWinOverTheAssignment() throws {
        let scratch = try Self.scratch()
        try scratch.write("slow.py", "def double(x):\n    n = 0\n    for i in range(4_000_000):\n        n += i\n    return 2 * x\n")
        try scratch.write("a.yaml", "name: Tight\nexercises:\n  - id: double\n    limits: {time: 0.05}\n")
        let result = try Self.grade(scratch, "slow.py", ["--format", "json", "--assignment", scratch.path("a.yaml"), "--time-limit", "2"])
        #expect(result.status == 0, "\(result.stdout)")
    }

    /// The assignment's `gradescope_hidden` sets what Gradescope shows of
    /// hidden tests; `--gradescope-hidden` still wins.
    @Test func theAssignmentSetsGradescopesVisibilityOfHiddenTests() throws {
        let scratch = try Self.scratch()
        try scratch.write("solution.py", Self.doubleOnly)
        let text = "name: Week 1\ngradescope_hidden: after_due_date\nexercises: [double]\n"
        try scratch.write("a.yaml", text)
        func visibilities(_ extra: [String]) throws -> [String: String] {
            let result = try Self.grade(scratch, "solution.py", ["--format", "gradescope"] + extra)
            let outcome = try SchemaValidator.validate(result.stdout, against: "gradescope.schema.json")
            #expect(outcome.status == 0, "\(outcome.problems)")
            let tests = try result.json()["tests"] as? [[String: Any]] ?? []
            return Dictionary(uniqueKeysWithValues: tests.map { ($0["name"] as? String ?? "", $0["visibility"] as? String ?? "") })
        }
        let a = ["--assignment", scratch.path("a.yaml")]
        #expect(try visibilities(["--exercise", "double"]) == ["double: one": "visible", "double: zero": "hidden"])
        #expect(try visibilities(a) == ["double: one": "visible", "double: zero": "after_due_date"])
        #expect(try visibilities(a + ["--gradescope-hidden", "hidden"]) == ["double: one": "visible", "double: zero": "hidden"])
        let extra = try Self.grade(scratch, "solution.py", ["--format", "gradescope"] + a).json()["extra_data"] as? [String: String]
        #expect(extra?["assignment"] == "Week 1" && extra?["assignment_sha256"] == Self.sha256(text))
    }

    /// `batch DIR` grades under DIR/assignment.yaml (here a symbolic link
    /// to a shared file, which an entry of DIR would otherwise be: an error
    /// record), and never as a candidate; `--assignment` names another.
    @Test func batchReadsTheAssignmentInItsFolderAndNeverGradesIt() throws {
        let scratch = try Self.scratch()
        try scratch.makeCandidates(2)
        try scratch.write("week1.yaml", "name: Week 1\nexercises: [double]\n")
        try FileManager.default.createSymbolicLink(atPath: scratch.path("candidates/assignment.yaml"), withDestinationPath: "../week1.yaml")
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run(["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises])
        #expect(result.status == 0, "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2)
        #expect(records.allSatisfy { $0["schema"] as? String == "pygrade.report/1" })
        #expect(records.allSatisfy { ($0["assignment"] as? [String: Any])?["name"] as? String == "Week 1" })
        #expect(records.allSatisfy { Self.ids($0) == ["double"] })
        #expect(result.stdout.contains("\nassignment: Week 1 (sha256 "), "\(result.stdout)")

        try scratch.write("other.yaml", "name: Other\nexercises: [triple, double]\n")
        let named = scratch.path("named.jsonl")
        let again = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", named, "--exercises-dir", scratch.exercises, "--assignment", scratch.path("other.yaml"),
        ])
        #expect(again.status == 0, "\(again.stderr)")
        let others = BatchScratch.lines(named).compactMap { $0 }
        #expect(others.count == 2)
        #expect(others.allSatisfy { ($0["assignment"] as? [String: Any])?["name"] as? String == "Other" })
        #expect(others.allSatisfy { Self.ids($0) == ["triple", "double"] })
    }

    /// `--resume` skips a candidate only when the assignment is the same
    /// file it was graded under.
    @Test func resumeRegradesWhenTheAssignmentChanged() throws {
        let scratch = try Self.scratch()
        let candidates = try scratch.makeCandidates(2)
        try scratch.write("candidates/assignment.yaml", "name: Week 1\nexercises: [double]\n")
        let out = scratch.path("results.jsonl")
        let args = ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--resume"]
        #expect(try PygradeBinary.run(args).status == 0)
        let same = try PygradeBinary.run(args)
        #expect(same.status == 0 && same.stderr.contains("2 already graded"), "\(same.stderr)")

        let changed = "name: Week 1\nexercises:\n  - id: double\n    points: 30\n"
        try scratch.write("candidates/assignment.yaml", changed)
        let result = try PygradeBinary.run(args)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("already graded"), "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2 && Set(records.compactMap { $0["submission"] as? String }) == Set(candidates))
        #expect(records.allSatisfy { ($0["assignment"] as? [String: Any])?["sha256"] as? String == Self.sha256(changed) })
        #expect(records.allSatisfy { $0["max_score"] as? Double == 30 })
    }

    /// A malformed assignment: exit 2, one line naming the file, the line
    /// and the problem, for `grade` and for `batch` (before any record).
    @Test(arguments: [
        ("name: x\nexercises:\n  - double\n  - nope\n", ":4: unknown exercise 'nope' (known: double, triple)"),
        ("name: x\nexercises:\n  - id: double\n    points: -1\n", ":4: points must be between 0.0 and 10000.0"),
        ("name: x\ncolour: red\nexercises: [double]\n", ":2: the assignment: unknown key 'colour'"),
        ("name: x\nexercises: [double\n", ":3: while parsing a flow sequence"),
    ])
    func aMalformedAssignmentExitsTwoWithOneLine(text: String, problem: String) throws {
        let scratch = try Self.scratch()
        try scratch.makeCandidates(1)
        try scratch.write("candidates/assignment.yaml", text)
        let file = scratch.path("candidates/assignment.yaml")
        let grade = try Self.grade(scratch, "candidates/cand00000.py", ["--assignment", file])
        #expect(grade.status == 2)
        #expect(grade.stdout.isEmpty)
        #expect(grade.stderr.hasPrefix("pygrade: \(file)\(problem)"), "\(grade.stderr)")
        #expect(grade.stderr.split(separator: "\n").count == 1, "\(grade.stderr)")
        let out = scratch.path("results.jsonl")
        let batch = try PygradeBinary.run(["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises])
        #expect(batch.status == 2)
        #expect(batch.stderr.hasPrefix("pygrade: \(file)\(problem)"), "\(batch.stderr)")
        #expect(batch.stderr.split(separator: "\n").count == 1, "\(batch.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out))
    }

    @Test func anExerciseFlagOutsideTheAssignmentIsBadUsage() throws {
        let scratch = try Self.scratch()
        try scratch.write("solution.py", Self.both)
        try scratch.write("a.yaml", "name: Week 1\nexercises: [double]\n")
        let result = try Self.grade(scratch, "solution.py", ["--assignment", scratch.path("a.yaml"), "--exercise", "triple"])
        #expect(result.status == 2)
        #expect(result.stderr == "pygrade: --exercise triple: not in the assignment 'Week 1' (\(scratch.path("a.yaml")): double)\n")
    }

    /// `grade` reads an assignment only from `--assignment`: the folder
    /// holding a submission may be the candidate's own. One lying there is
    /// pointed out on stderr, and nothing else changes.
    @Test func gradeDoesNotReadAnAssignmentNextToTheSubmission() throws {
        let scratch = try Self.scratch()
        try scratch.write("candidates/solution.py", Self.doubleOnly)
        try scratch.write("candidates/assignment.yaml", "name: Mine\nexercises:\n  - id: double\n    points: 100\n")
        let result = try Self.grade(scratch, "candidates/solution.py", ["--format", "json"])
        #expect(result.status == 1)
        let report = try result.json()
        #expect(report["assignment"] == nil && Self.ids(report) == ["double", "triple"] && report["max_score"] as? Double == 20)
        let file = scratch.path("candidates/assignment.yaml")
        #expect(result.stderr == "pygrade: note: \(file) is not read by grade; pass --assignment \(file) to grade under it\n")
    }

    /// `check --assignment`: a valid one is a check that holds; a malformed
    /// one a failure naming the file and line; and the reference must
    /// still earn full marks under the limits it sets.
    @Test func checkValidatesTheAssignmentAgainstTheExercises() throws {
        let scratch = try Self.scratch()
        try FileManager.default.createDirectory(atPath: scratch.path("fixtures"), withIntermediateDirectories: true)
        func check(_ text: String) throws -> PygradeBinary.Result {
            try scratch.write("a.yaml", text)
            return try PygradeBinary.run([
                "check", "--exercises", scratch.exercises, "--fixtures", scratch.path("fixtures"), "--assignment", scratch.path("a.yaml"),
            ])
        }
        let file = scratch.path("a.yaml")
        let good = try check("name: Week 1\nexercises:\n  - triple\n  - id: double\n    points: 5\n    limits: {memory: 128}\n")
        #expect(good.status == 0, "\(good.stdout)")
        #expect(good.stdout.contains("ok   assignment \(file): 'Week 1': triple, double (15 points)\n"), "\(good.stdout)")
        #expect(good.stdout.contains("ok   assignment \(file): double: under its limits the reference earns full marks; "))

        let bad = try check("name: Week 1\nexercises:\n  - triple\n  - nope\n")
        #expect(bad.status == 1)
        #expect(bad.stdout.contains("FAIL assignment \(file): \(file):4: unknown exercise 'nope'"), "\(bad.stdout)")

        // A reference that needs some CPU, and an assignment that gives it none.
        try scratch.write(
            "exercises/double/reference.py", "def double(x):\n    n = 0\n    for i in range(1_000_000):\n        n += i\n    return 2 * x\n"
        )
        try scratch.write(
            "exercises/double/exercise.yaml",
            "id: double\ntitle: D\nentry: double\nlimits: {time: 5}\ntests:\n  - name: one\n    args: [\"1\"]\n")
        let tight = try check("name: Week 1\nexercises:\n  - id: double\n    limits: {time: 0.01}\n")
        #expect(tight.status == 1)
        #expect(
            tight.stdout.contains("FAIL assignment \(file): double: under its limits the reference gets time_limit_exceeded"),
            "\(tight.stdout)")
    }
}
