import ArgumentParser
import Foundation
import PygradeKit

/// The options `grade` and `batch` share: which exercises, under which
/// limits and which sandbox policy.
struct GradingOptions: ParsableArguments {
    @Option(name: .customLong("exercise"), help: "Grade only this exercise (repeatable).")
    var exercises: [String] = []

    @Option(name: .customLong("time-limit"), help: "CPU seconds per test, instead of each exercise's own limit.")
    var timeLimit: Double?

    @Option(name: .customLong("memory-limit"), help: "Memory limit in MiB, instead of each exercise's own.")
    var memoryLimit: Int?

    @Option(
        name: .customLong("wall-budget"),
        help: "Wall-clock seconds one exercise may take in all, instead of each exercise's own (default 10).")
    var wallBudget: Double?

    @Option(name: .customLong("max-size"), help: "Largest submission accepted, in bytes.")
    var maxSize: Int = Submission.defaultMaxBytes

    @Option(name: .customLong("exercises-dir"), help: "The folder of exercises (default: ./Exercises).")
    var exercisesDir: String?

    @Option(
        name: .customLong("assignment"),
        help: "An assignment file (YAML): which exercises count, in which order, with which points and limits.")
    var assignment: String?

    @Option(help: "strict: refuse to grade when a sandbox layer is missing; standard: grade and name the missing layers in the report.")
    var sandbox: SandboxPolicy = .default

    func validate() throws {
        if let t = timeLimit, !(t > 0 && t <= 600) { throw ValidationError("--time-limit must be between 0 and 600 seconds") }
        if let m = memoryLimit, !(16...65536).contains(m) { throw ValidationError("--memory-limit must be between 16 and 65536 MiB") }
        if let b = wallBudget, !(b > 0 && b <= 3600) { throw ValidationError("--wall-budget must be between 0 and 3600 seconds") }
        if maxSize <= 0 { throw ValidationError("--max-size must be positive") }
    }

    /// The exercise catalog. A malformed definition leaves the other
    /// exercises gradable (the grader names it in each report); a folder
    /// that is no folder of exercises, or holds no valid one, is bad usage
    /// (exit 2).
    func catalog() throws -> ExerciseCatalog {
        let folder = exercisesDir.map { URL(fileURLWithPath: $0) } ?? ExerciseCatalog.defaultFolder()
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: folder)
        if let first = errors.first, catalog.exercises.isEmpty || errors.count > catalog.broken.count {
            throw CLIError.usage(first.description)
        }
        return catalog
    }

    /// The assignment named by `--assignment`, else the one at `found` when
    /// there is one there (nil: none); a malformed one is bad usage (exit 2).
    func assignment(_ catalog: ExerciseCatalog, found: String? = nil) throws -> Assignment? {
        guard let path = assignment ?? found else { return nil }
        do { return try AssignmentLoader.load(path, catalog: catalog) } catch { throw CLIError.usage(error.description) }
    }

    var gradeOptions: GradeOptions {
        var options = GradeOptions()
        options.timeLimit = timeLimit
        options.memoryLimit = memoryLimit
        options.wallBudget = wallBudget
        options.exerciseIDs = exercises
        options.maxSubmissionBytes = maxSize
        options.sandbox = sandbox
        return options
    }
}

extension SandboxPolicy: ExpressibleByArgument {}
