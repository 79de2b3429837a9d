import Foundation
import TestSupport
import Testing

@testable import PygradeKit

@Suite("Assignment files")
struct AssignmentLoaderTests {
    /// Two exercises, `alpha` with a test of its own time limit.
    static func catalog(_ tmp: TemporaryFolder) throws -> ExerciseCatalog {
        tmp.exercise(
            "alpha",
            definition: """
                id: alpha
                title: A
                entry: f
                points: 20
                limits: {time: 1.0, memory: 256}
                tests:
                  - name: small
                    args: ["1"]
                  - name: large
                    time: 3.0
                    args: ["2"]
                """)
        tmp.exercise("beta", definition: "id: beta\ntitle: B\nentry: f\ntests:\n  - name: one\n    args: [\"1\"]\n")
        return try ExerciseCatalog.load(from: tmp.url)
    }

    static let valid = """
        name: Week 3
        gradescope_hidden: after_due_date
        exercises:
          - beta
          - id: alpha
            points: 50
            limits: {time: 0.5, memory: 64, output: 1024, budget: 2}
        """

    @Test func readsEveryKeyAndHashesTheFileBytes() throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        let file = tmp.write("a/assignment.yaml", Self.valid).path
        let a = try AssignmentLoader.load(file, catalog: catalog)
        #expect(a.name == "Week 3" && a.file == file && a.gradescopeHidden == .afterDueDate)
        #expect(
            a.entries == [
                Assignment.Entry(id: "beta"),
                Assignment.Entry(id: "alpha", points: 50, limits: LimitOverrides(time: 0.5, memory: 64, output: 1024, budget: 2)),
            ])
        #expect(a.sha256 == Digest.hex(Digest.sha256(Array(Self.valid.utf8))))
        #expect(a.info == AssignmentInfo(name: "Week 3", sha256: a.sha256))
    }

    /// Points and limits replace the exercise's; `time` replaces a test's own
    /// too; tests, weights and the hash (the expected results' key) stay.
    @Test func exercisesComeInItsOrderUnderItsPointsAndLimits() throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        let a = try AssignmentLoader.load(tmp.write("assignment.yaml", Self.valid).path, catalog: catalog)
        let exercises = a.exercises(in: catalog)
        #expect(exercises.map(\.id) == ["beta", "alpha"])
        let alpha = exercises[1]
        let original = try #require(catalog.exercise("alpha"))
        #expect(alpha.points == 50)
        #expect(alpha.limits == Limits(timeSeconds: 0.5, memoryMiB: 64, outputBytes: 1024, budgetSeconds: 2))
        #expect(alpha.tests.map(\.timeSeconds) == [nil, nil])
        #expect(alpha.hash == original.hash && alpha.tests.map(\.name) == original.tests.map(\.name))
        #expect(alpha.maxScore(of: alpha.tests[0]) == 25)
        // An entry that overrides nothing is the exercise as defined.
        #expect(exercises[0].points == 20 && exercises[0].limits == catalog.exercise("beta")!.limits)
    }

    /// Limits not given keep the exercise's; a test's own time stays when
    /// the assignment sets no time.
    @Test func limitsNotGivenAreKept() throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        let file = tmp.write("assignment.yaml", "name: x\nexercises:\n  - id: alpha\n    limits: {memory: 64}\n").path
        let alpha = try AssignmentLoader.load(file, catalog: catalog).exercises(in: catalog)[0]
        #expect(alpha.limits == Limits(timeSeconds: 1, memoryMiB: 64))
        #expect(alpha.tests.map(\.timeSeconds) == [nil, 3.0])
    }

    /// The grader grades the assignment's exercises in its order;
    /// `--exercise` chooses among them and cannot add one.
    @Test func graderTakesTheAssignmentsExercisesAndFlagsChooseWithinIt() throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        let a = try AssignmentLoader.load(tmp.write("assignment.yaml", "name: x\nexercises: [beta]\n").path, catalog: catalog)
        var options = GradeOptions()
        options.assignment = a
        #expect(try Grader(catalog: catalog, options: options).exercises.map(\.id) == ["beta"])
        options.exerciseIDs = ["alpha"]
        #expect(throws: GradeError.self) { try Grader(catalog: catalog, options: options) }
        do {
            _ = try Grader(catalog: catalog, options: options)
        } catch {
            #expect(error.description.hasPrefix("--exercise alpha: not in the assignment 'x'"), "\(error)")
        }
        let both = try AssignmentLoader.load(
            tmp.write("both.yaml", "name: x\nexercises: [beta, alpha]\n").path, catalog: catalog)
        options.assignment = both
        options.exerciseIDs = ["alpha", "beta"]
        #expect(try Grader(catalog: catalog, options: options).exercises.map(\.id) == ["beta", "alpha"])
        // The set of exercises is in the hash resume compares.
        options.exerciseIDs = []
        let withBoth = try Grader(catalog: catalog, options: options).exercisesSHA256
        options.assignment = a
        #expect(try Grader(catalog: catalog, options: options).exercisesSHA256 != withBoth)
    }

    /// Each malformed assignment is reported with its file and line.
    @Test(arguments: [
        ("name: x\nexercises:\n  - beta\n  - gamma\n", 4, "unknown exercise 'gamma' (known: alpha, beta)"),
        ("name: x\nexercises:\n  - id: beta\n    points: -5\n", 4, "points must be between 0.0 and 10000.0"),
        ("name: x\ncolour: red\nexercises: [beta]\n", 2, "unknown key 'colour'"),
        ("name: x\nexercises: [beta\n", 3, "flow sequence"),
        ("name: x\nexercises:\n  - id: beta\n    weight: 2\n", 4, "an exercise: unknown key 'weight'"),
        ("name: x\nexercises:\n  - id: beta\n    limits: {time: 0.5, cpu: 2}\n", 4, "limits: unknown key 'cpu'"),
        ("name: x\nexercises:\n  - id: beta\n    limits: {time: -1}\n", 4, "limits.time must be between"),
        ("name: x\nexercises:\n  - beta\n  - id: beta\n", 4, "exercise 'beta' is listed twice"),
        ("name: x\nexercises: []\n", 2, "at least one exercise"),
        ("name: x\ngradescope_hidden: never\nexercises: [beta]\n", 2, "gradescope_hidden must be one of"),
        ("exercises: [beta]\n", 1, "missing required key 'name'"),
        ("name: x\nexercises:\n  - [beta]\n", 3, "an id or a mapping"),
    ])
    func malformedAssignmentsNameFileAndLine(text: String, line: Int, problem: String) throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        let file = tmp.write("assignment.yaml", text).path
        do {
            _ = try AssignmentLoader.load(file, catalog: catalog)
            Issue.record("accepted a malformed assignment")
        } catch {
            #expect(error.file == file)
            #expect(error.line == line, "\(error)")
            #expect(error.problem.contains(problem), "\(error)")
        }
    }

    @Test func unreadableFilesAreNamed() throws {
        let tmp = TemporaryFolder()
        let catalog = try Self.catalog(tmp)
        for (path, problem) in [
            (tmp.url.appendingPathComponent("none.yaml").path, "missing or unreadable"),
            (tmp.url.appendingPathComponent("alpha").path, "a folder, not an assignment file"),
            (tmp.write("latin1.yaml", bytes: [0x6E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0xE9, 0x0A]).path, "not UTF-8"),
            (tmp.write("empty.yaml", "").path, "the file is empty"),
        ] {
            #expect(throws: DefinitionError.self) { try AssignmentLoader.load(path, catalog: catalog) }
            do { _ = try AssignmentLoader.load(path, catalog: catalog) } catch {
                #expect(error.description == "\(path): \(problem)")
            }
        }
    }

    /// The example under docs/ is an assignment of the bundled exercises.
    @Test func theExampleInDocsIsValid() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = try ExerciseCatalog.load(from: root.appendingPathComponent("Exercises"))
        let a = try AssignmentLoader.load(root.appendingPathComponent("docs/assignment.yaml").path, catalog: catalog)
        #expect(!a.entries.isEmpty)
    }
}
