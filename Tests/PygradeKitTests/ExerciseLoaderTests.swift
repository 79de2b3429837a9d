import Foundation
import TestSupport
import Testing

@testable import PygradeKit

@Suite("Exercise definitions")
struct ExerciseLoaderTests {
    static let valid = """
        id: demo
        title: Demo
        entry: f
        points: 10
        checker: exact
        inputs_immutable: true
        limits: {time: 0.5, memory: 128}
        rules:
          - id: no-sorted
            message: sorted() is not allowed
            penalty: 0.5
            forbid_names: [sorted]
        tests:
          - name: small
            visibility: visible
            hint: basic
            args: ["[1, 2]"]
          - name: big
            weight: 3
            generate: {function: make, seed: 4, n: 100, label: x, ratio: 0.5, flag: true}
        """

    @Test func parsesEveryField() throws {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise("demo", definition: Self.valid)
        tmp.write("demo/generators.py", "def make(rng, n, label, ratio, flag):\n    return (list(range(n)),)\n")
        let e = try ExerciseLoader.load(folder: folder)
        #expect(e.id == "demo" && e.entry == "f" && e.points == 10 && e.inputsImmutable)
        #expect(e.limits == Limits(timeSeconds: 0.5, memoryMiB: 128, outputBytes: 64 * 1024))
        #expect(
            e.rules == [
                Rule(
                    id: "no-sorted", message: "sorted() is not allowed", penalty: 0.5, forbidNames: ["sorted"], forbidAttributes: [],
                    forbidSliceStep: false, forbidImports: [])
            ])
        #expect(e.tests.map(\.name) == ["small", "big"])
        #expect(e.tests[0].visibility == .visible && e.tests[1].visibility == .hidden)
        #expect(e.maxScore(of: e.tests[1]) == 7.5)
        guard case .generated(let f, let seed, let p) = e.tests[1].input else {
            Issue.record("not generated")
            return
        }
        #expect(f == "make" && seed == 4)
        #expect(p == ["n": .int(100), "label": .string("x"), "ratio": .double(0.5), "flag": .bool(true)])
        #expect(e.hash.count == 64)
    }

    @Test func hashChangesWithAnyFile() throws {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise("demo", definition: Self.valid)
        tmp.write("demo/generators.py", "def make(rng, n, label, ratio, flag):\n    return ([],)\n")
        let before = try ExerciseLoader.load(folder: folder).hash
        tmp.write("demo/generators.py", "def make(rng, n, label, ratio, flag):\n    return ([1],)\n")
        #expect(try ExerciseLoader.load(folder: folder).hash != before)
    }

    /// Each malformed definition is reported with its file and line.
    @Test(arguments: [
        ("id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n    args: [\"1\"\n", 7, "flow sequence"),
        ("id: demo\ntitle: T\nentry: f\ncolour: red\ntests:\n  - name: a\n", 4, "unknown key 'colour'"),
        ("id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n    weight: heavy\n", 6, "weight must be a number"),
        ("id: other\ntitle: T\nentry: f\ntests:\n  - name: a\n", 1, "must match its folder name"),
        ("id: demo\ntitle: T\nentry: 2f\ntests:\n  - name: a\n", 3, "Python identifier"),
        ("id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n  - name: a\n", 6, "duplicate test name"),
        ("id: demo\ntitle: T\nentry: f\nchecker: fuzzy\ntests:\n  - name: a\n", 4, "unknown checker"),
        ("id: demo\ntitle: T\nentry: f\nrules:\n  - id: r\n    message: m\ntests:\n  - name: a\n", 5, "forbids nothing"),
        ("id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n    args: [\"1\"]\n    kwargs: [\"1\"]\n", 7, "kwargs must be a mapping"),
        (
            "id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n    generate: {function: g}\n    kwargs: {k: \"1\"}\n", 7,
            "kwargs go with args only"
        ),
    ])
    func malformedDefinitionsNameFileAndLine(text: String, line: Int, problem: String) {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise("demo", definition: text)
        do {
            _ = try ExerciseLoader.load(folder: folder)
            Issue.record("accepted a malformed definition")
        } catch {
            #expect(error.file.hasSuffix("demo/exercise.yaml"))
            #expect(error.line == line, "\(error)")
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    /// What the check of a definition's Python needs to name a line.
    @Test func eachTestKnowsTheLinesOfItsPython() throws {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise(
            "demo",
            definition: """
                id: demo
                title: T
                entry: f
                tests:
                  - name: a
                    args:
                      - "1"
                      - "2"
                    kwargs: {k: "3"}
                  - name: b
                    generate:
                      seed: 1
                      function: make
                  - name: c
                    probe: look
                    args: ["4"]
                """)
        tmp.write("demo/generators.py", "def make(rng):\n    return (1,)\n")
        tmp.write("demo/probes.py", "def look(f, x):\n    return f(x)\n")
        let e = try ExerciseLoader.load(folder: folder)
        #expect(e.tests[0].lines.test == 5 && e.tests[0].lines.args == [7, 8] && e.tests[0].lines.kwargs == ["k": 9])
        #expect(e.tests[1].lines.test == 10 && e.tests[1].lines.function == 13)
        #expect(e.tests[2].lines.function == 15 && e.tests[2].lines.args == [16])
    }

    @Test func missingFilesAreNamed() {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise("demo", definition: "id: demo\ntitle: T\nentry: f\ntests:\n  - name: a\n    generate: {function: g}\n")
        #expect { try ExerciseLoader.load(folder: folder) } throws: { error in
            "\(error)".contains("generators.py is missing")
        }
        try? FileManager.default.removeItem(at: folder.appendingPathComponent("reference.py"))
        tmp.write("demo/generators.py", "")
        #expect { try ExerciseLoader.load(folder: folder) } throws: { error in
            "\(error)".contains("reference.py")
        }
    }

    @Test func catalogCollectsEveryBrokenExercise() {
        let tmp = TemporaryFolder()
        tmp.exercise("good", definition: "id: good\ntitle: T\nentry: f\ntests:\n  - name: a\n")
        tmp.exercise("bad", definition: "id: bad\ntitle: [\n")
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: tmp.url)
        #expect(catalog.exercises.map(\.id) == ["good"])
        #expect(errors.count == 1 && errors[0].file.hasSuffix("bad/exercise.yaml") && errors[0].line != nil)
        #expect(catalog.broken.keys.sorted() == ["bad"] && catalog.broken["bad"]?.file == errors[0].file)
    }

    @Test func bundledExercisesAreValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ExerciseCatalog.load(from: root.appendingPathComponent("Exercises"))
        #expect(catalog.exercises.map(\.id).contains("duplicates"))
        #expect(catalog.exercises.map(\.id).contains("flatten"))
    }
}
