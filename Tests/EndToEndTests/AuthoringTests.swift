import Foundation
import PygradeKit
import TestSupport
import Testing

/// Writing exercises: the Python a definition holds is checked when the
/// definitions are (with file, line and test), a broken exercise leaves the
/// others gradable, and `check` checks one exercise and warns of one without
/// fixture.
@Suite("Authoring exercises")
struct AuthoringTests {
    /// A scratch folder (exercises, fixtures, submissions), removed after.
    final class Scratch {
        let temporary = TemporaryFolder(prefix: "pygrade-authoring")
        var url: URL { temporary.url }
        init() throws {}

        @discardableResult
        func file(_ name: String, _ text: String) throws -> String {
            temporary.write(name, text).path
        }

        /// An exercise `id` under `exercises/`, whose entry `f` the reference
        /// defines; `files` adds or replaces files of its folder.
        @discardableResult
        func exercise(
            _ id: String, _ definition: String, reference: String = "def f(*args, **kwargs):\n    return 0\n", files: [String: String] = [:]
        )
            throws -> String
        {
            let yaml = try file("exercises/\(id)/exercise.yaml", definition)
            try file("exercises/\(id)/prompt.md", "# \(id)\n")
            try file("exercises/\(id)/starter.py", "def f(*args, **kwargs):\n    pass\n")
            try file("exercises/\(id)/reference.py", reference)
            for (name, text) in files { try file("exercises/\(id)/\(name)", text) }
            return yaml
        }

        var exercises: String { url.appendingPathComponent("exercises").path }
        var fixtures: String { url.appendingPathComponent("fixtures").path }
    }

    static let head = "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: fine\n    args: [\"1\"]\n"

    /// A mistake in the Python of a definition, the line it is on, the file
    /// it is named in (relative to the exercise's folder) and what is said.
    static let brokenPython: [(String, [String: String], Int, String, String)] = [
        (
            head + "  - name: unclosed\n    hint: basic\n    args: [\"2\", \"[1, 2\"]\n", [:], 9, "exercise.yaml",
            "test 'unclosed': args[1] is not a Python expression: '[' was never closed"
        ),
        (
            head + "  - name: bad-keyword\n    args: [\"1\"]\n    kwargs:\n      key: \"1 +\"\n", [:], 10, "exercise.yaml",
            "test 'bad-keyword': kwargs['key'] is not a Python expression: invalid syntax"
        ),
        (
            head + "  - name: big\n    generate: {function: make, seed: 1}\n", ["generators.py": "def make(rng):\n    return (1,\n"], 2,
            "generators.py", "does not compile: '(' was never closed"
        ),
        (
            head + "  - name: big\n    generate:\n      function: nope\n", ["generators.py": "def make(rng):\n    return (1,)\n"], 9,
            "exercise.yaml", "test 'big': generators.py defines no generator 'nope'"
        ),
        (
            head + "  - name: probed\n    probe: nope\n", ["probes.py": "def other(f):\n    return f(1)\n"], 8, "exercise.yaml",
            "test 'probed': probes.py defines no probe 'nope'"
        ),
    ]

    @Test(arguments: brokenPython)
    func brokenPythonInADefinitionIsNamedAtDefinitionCheck(
        definition: String, files: [String: String], line: Int, file: String, problem: String
    ) throws {
        let scratch = try Scratch()
        try scratch.exercise("demo", definition, files: files)
        try FileManager.default.createDirectory(atPath: scratch.fixtures, withIntermediateDirectories: true)
        let named = "\(scratch.exercises)/demo/\(file):\(line): \(problem)"

        let check = try PygradeBinary.run(["check", "--exercises", scratch.exercises, "--fixtures", scratch.fixtures])
        #expect(check.status == 1)
        #expect(check.stdout.contains("FAIL definition \(scratch.exercises)/demo/\(file): \(named)\n"), "\(check.stdout)")
        // Reported once, as a definition: nothing is built from it.
        #expect(!check.stdout.contains("reference"), "\(check.stdout)")

        let list = try PygradeBinary.run(["list", "--exercises", scratch.exercises])
        #expect(list.status == 2)
        #expect(list.stderr == "pygrade: \(named)\n")
    }

    /// Ways an exercise can be broken, the part its report names, and text
    /// that must stay out of every report (it is a hidden input's).
    static let breakages: [(String, String, [String: String], String)] = [
        (
            "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: [\"'hidden-secret\"]\n", "def f(s):\n    return s\n", [:],
            "its definition is malformed (SCRATCH/exercises/demo/exercise.yaml:6)"
        ),
        (
            "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    weight: heavy\n    args: [\"1\"]\n", "def f(s):\n    return s\n",
            [:],
            "its definition is malformed (SCRATCH/exercises/demo/exercise.yaml:6)"
        ),
        (
            "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    generate: {function: make}\n", "def f(s):\n    return s\n",
            ["generators.py": "def make(rng):\n    raise ValueError('hidden-secret')\n"], "its test inputs cannot be built"
        ),
        (
            "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: [\"'hidden-secret'\"]\n", "def f(s):\n    return {}[s]\n", [:],
            "its reference solution fails"
        ),
    ]

    @Test(arguments: breakages)
    func oneBrokenExerciseLeavesTheOthersGraded(definition: String, reference: String, files: [String: String], part: String) throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.exercises, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: PygradeBinary.root.appendingPathComponent("Exercises/reverse").path, toPath: scratch.exercises + "/reverse")
        try scratch.exercise("demo", definition, reference: reference, files: files)
        let correct = PygradeBinary.fixture("correct.py")

        let json = try PygradeBinary.run(["grade", correct, "--exercises-dir", scratch.exercises, "--format", "json"])
        #expect(json.status == 0, "\(json.stderr)")
        let report = try json.json()
        let graded = try #require(report["exercises"] as? [[String: Any]])
        #expect(graded.map { $0["id"] as? String } == ["reverse"])
        #expect(graded.first?["status"] as? String == "passed")
        #expect(report["max_score"] as? Double == 20)
        let notGraded = try #require(report["not_graded"] as? [[String: Any]])
        let message =
            "not graded: \(part.replacingOccurrences(of: "SCRATCH", with: scratch.url.path)); "
            + "`pygrade check --exercise demo` says why"
        #expect(notGraded.count == 1 && notGraded.first?["id"] as? String == "demo")
        #expect(notGraded.first?["message"] as? String == message)
        #expect(!json.stdout.contains("hidden-secret"))
        let valid = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")
        // Its author reads why on stderr, in one line.
        let why = json.stderr.split(separator: "\n")
        #expect(why.count == 1 && why.first?.hasPrefix("pygrade: demo not graded: \(scratch.exercises)/demo/") == true, "\(json.stderr)")

        let text = try PygradeBinary.run(["grade", correct, "--exercises-dir", scratch.exercises])
        #expect(text.status == 0)
        #expect(text.stdout.contains("\n  demo: \(message)\n"), "\(text.stdout)")
        #expect(!text.stdout.contains("hidden-secret"))
    }

    @Test func aBatchGradesAroundABrokenExercise() throws {
        let scratch = try Scratch()
        try FileManager.default.createDirectory(atPath: scratch.exercises, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: PygradeBinary.root.appendingPathComponent("Exercises/reverse").path, toPath: scratch.exercises + "/reverse")
        try scratch.exercise("demo", "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: [\"(1,\"]\n")
        try scratch.file("candidates/a.py", "def reverse_string(s):\n    return ''.join(s[i] for i in range(len(s) - 1, -1, -1))\n")
        try scratch.file("candidates/b.py", "def reverse_string(s):\n    return s\n")
        let out = scratch.url.appendingPathComponent("results.jsonl").path
        let result = try PygradeBinary.run([
            "batch", scratch.url.appendingPathComponent("candidates").path, "--exercises-dir", scratch.exercises, "--out", out,
            "--no-progress",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("pygrade: demo not graded: \(scratch.exercises)/demo/exercise.yaml:6: test 'a'"), "\(result.stderr)")
        let records = try String(contentsOfFile: out, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        #expect(records.count == 2)
        for r in records {
            #expect((r["exercises"] as? [[String: Any]])?.map { $0["id"] as? String } == ["reverse"])
            #expect((r["not_graded"] as? [[String: Any]])?.first?["id"] as? String == "demo")
        }
    }

    @Test func aMalformedExerciseAskedForByNameIsBadInput() throws {
        let scratch = try Scratch()
        try scratch.exercise("demo", "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: [\"1 +\"]\n")
        try scratch.exercise("good", "id: good\ntitle: Good\nentry: f\ntests:\n  - name: a\n    args: [\"1\"]\n")
        let submission = try scratch.file("s.py", "def f(x):\n    return 0\n")
        for args in [["--exercise", "demo"], []] {
            let result = try PygradeBinary.run(["grade", submission, "--exercises-dir", scratch.exercises] + args)
            if args.isEmpty {
                #expect(result.status == 0, "\(result.stderr)")
            } else {
                #expect(result.status == 2)
                #expect(result.stdout.isEmpty)
                #expect(
                    result.stderr == "pygrade: \(scratch.exercises)/demo/exercise.yaml:6: test 'a': args[0] is not a Python expression: "
                        + "invalid syntax\n")
            }
        }
    }

    /// `check --exercise ID`: that exercise's definition, reference and
    /// fixtures, nothing of the others; an exercise without fixture is a
    /// warning that fails nothing.
    @Test func checkChecksOneExerciseAndWarnsOfOneWithoutFixture() throws {
        let scratch = try Scratch()
        let exercise = "id: ID\ntitle: T\nentry: f\ntests:\n  - name: one\n    visibility: visible\n    args: [\"1\"]\n"
        try scratch.exercise("double", exercise.replacingOccurrences(of: "ID", with: "double"), reference: "def f(x):\n    return 2 * x\n")
        try scratch.exercise("half", exercise.replacingOccurrences(of: "ID", with: "half"), reference: "def f(x):\n    return x / 2\n")
        // Broken: checking it, or its fixture, would fail.
        try scratch.exercise("triple", exercise.replacingOccurrences(of: "ID", with: "triple"), reference: "def f(x):\n    return x[0]\n")
        try scratch.file("fixtures/double_wrong.py", "# expect: double=wrong_answer\ndef f(x):\n    return x\n")
        try scratch.file("fixtures/triple_right.py", "# expect: triple=passed\ndef f(x):\n    return 3 * x\n")
        let base = ["check", "--exercises", scratch.exercises, "--fixtures", scratch.fixtures]

        let double = try PygradeBinary.run(base + ["--exercise", "double"])
        #expect(double.status == 0, "\(double.stdout)")
        let lines = double.stdout.split(separator: "\n").map { String($0.prefix { $0 != ":" }) }
        #expect(
            lines == [
                "ok   definition double", "ok   reference \(scratch.exercises)/double/reference.py", "ok   determinism double",
                "ok   margin double", "ok   fixture \(scratch.fixtures)/double_wrong.py", "5 of 5 checks hold",
            ], "\(double.stdout)")

        let half = try PygradeBinary.run(base + ["--exercise", "half"])
        #expect(half.status == 0, "\(half.stdout)")
        #expect(
            half.stdout.contains(
                "\nwarn fixture half: no fixture declares a status for this exercise (add a submission to \(scratch.fixtures) "
                    + "with a line '# expect: half=<status>')\n4 of 4 checks hold; 1 warning\n"), "\(half.stdout)")
        let junit = try PygradeBinary.run(base + ["--exercise", "half", "--format", "junit"])
        #expect(junit.status == 0)
        #expect(junit.stdout.contains("warning: no fixture declares a status for this exercise"), "\(junit.stdout)")

        let all = try PygradeBinary.run(base)
        #expect(all.status == 1)
        #expect(all.stdout.contains("FAIL reference \(scratch.exercises)/triple/reference.py"), "\(all.stdout)")
        #expect(all.stdout.contains("warn fixture half: "))

        let unknown = try PygradeBinary.run(base + ["--exercise", "nope"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "pygrade: unknown exercise 'nope' (known: double, half, triple)\n")
    }

    /// A result that is an empty dict is plain data (the encoder once read
    /// past its stack on it, and the child crashed).
    @Test func anEmptyDictIsAResultLikeAnyOther() throws {
        let scratch = try Scratch()
        try scratch.exercise(
            "counts",
            "id: counts\ntitle: Counts\nentry: f\ntests:\n  - name: empty\n    args: [\"''\"]\n  - name: one\n    args: [\"'a'\"]\n",
            reference: "def f(s):\n    return {c: 1 for c in s}\n")
        let wrong = try scratch.file("wrong.py", "def f(s):\n    return {}\n")
        let result = try PygradeBinary.run(["grade", wrong, "--exercises-dir", scratch.exercises, "--format", "json"])
        #expect(result.status == 1, "\(result.stderr)")
        let tests = try #require((try result.json()["exercises"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        #expect(tests.map { $0["status"] as? String } == ["passed", "wrong_answer"])
    }
}
