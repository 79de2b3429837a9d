import ArgumentParser
import Foundation
import PygradeKit

/// The options `grade` and `batch` share: which exercises, under which
/// limits and which sandbox policy.
struct GradingOptions: ParsableArguments {
    @Option(name: .customLong("exercise"), help: "Grade only this exercise (repeatable).")
    var exercises: [String] = []

    // `.unconditional`: `--time-limit -1` is a limit to refuse with a
    // reason, not an option `-1` and a missing value.
    @Option(
        name: .customLong("time-limit"), parsing: .unconditional, help: "CPU seconds per test, instead of each exercise's own limit.")
    var timeLimit: Double?

    @Option(name: .customLong("memory-limit"), parsing: .unconditional, help: "Memory limit in MiB, instead of each exercise's own.")
    var memoryLimit: Int?

    @Option(
        name: .customLong("wall-budget"), parsing: .unconditional,
        help: "Wall-clock seconds one exercise may take in all, instead of each exercise's own (default 10).")
    var wallBudget: Double?

    @Option(name: .customLong("max-size"), parsing: .unconditional, help: "Largest submission accepted, in bytes.")
    var maxSize: Int = Submission.defaultMaxBytes

    @OptionGroup var exercisesFolder: ExercisesFolderOption

    @Option(
        name: .customLong("assignment"),
        help: "An assignment file (YAML): which exercises count, in which order, with which points and limits.")
    var assignment: String?

    @Option(help: "strict: refuse to grade when a sandbox layer is missing; standard: grade and name the missing layers in the report.")
    var sandbox: SandboxPolicy = .default

    func validate() throws {
        // The upper bounds are the files' (LimitOverrides); a flag takes any
        // positive time below them, as it always has.
        let (time, memory, budget) = (LimitOverrides.timeRange, LimitOverrides.memoryRange, LimitOverrides.budgetRange)
        try Limit.check("--time-limit", timeLimit, above: 0, atMost: time.upperBound, unit: "seconds")
        try Limit.check("--memory-limit", memoryLimit, from: memory.lowerBound, to: memory.upperBound, unit: "MiB")
        try Limit.check("--wall-budget", wallBudget, above: 0, atMost: budget.upperBound, unit: "seconds")
        try Limit.check("--max-size", maxSize, from: 1, to: Int.max, unit: "byte")
    }

    /// The exercise catalog (see ExercisesFolderOption.catalog).
    func catalog() throws -> ExerciseCatalog { try exercisesFolder.catalog() }

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
