import ArgumentParser
import Foundation
import PygradeKit

/// `--exercises-dir DIR`, spelled the same on every command. `--exercises`,
/// the spelling `check` and `list` once had, still works but is not shown.
struct ExercisesFolderOption: ParsableArguments {
    @Option(name: .customLong("exercises-dir"), help: "The folder of exercises (default: ./Exercises).")
    var exercisesDir: String?

    @Option(name: .customLong("exercises"), help: .hidden)
    var oldSpelling: String?

    func validate() throws {
        if let a = exercisesDir, let b = oldSpelling, a != b {
            throw ValidationError("--exercises is the old spelling of --exercises-dir: give one of them")
        }
    }

    var folder: URL {
        (exercisesDir ?? oldSpelling).map { URL(fileURLWithPath: $0) } ?? ExerciseCatalog.defaultFolder()
    }

    /// The exercise catalog. A malformed definition leaves the other
    /// exercises gradable (the grader names it in each report); a folder
    /// that is no folder of exercises, or holds no valid one, is bad usage
    /// (exit 2).
    func catalog() throws -> ExerciseCatalog {
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: folder)
        if let first = errors.first, catalog.exercises.isEmpty || errors.count > catalog.broken.count {
            throw CLIError.usage(first.description)
        }
        return catalog
    }
}
