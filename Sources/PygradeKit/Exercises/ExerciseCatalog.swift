import Foundation

/// Every exercise under a folder: adding an exercise is adding a folder.
public struct ExerciseCatalog: Sendable {
    public var folder: URL
    public var exercises: [Exercise]
    /// The exercise folders whose definition is malformed, by folder name
    /// (which is the id), when loaded with `loadCollectingErrors`.
    public var broken: [String: DefinitionError] = [:]

    public init(folder: URL, exercises: [Exercise]) {
        self.folder = folder
        self.exercises = exercises
    }

    /// Loads every subfolder; the first malformed definition throws.
    public static func load(from folder: URL) throws(DefinitionError) -> ExerciseCatalog {
        let (catalog, errors) = loadCollectingErrors(from: folder)
        if let first = errors.first { throw first }
        return catalog
    }

    /// Loads what it can and reports every malformed definition (for `check`).
    public static func loadCollectingErrors(from folder: URL) -> (ExerciseCatalog, [DefinitionError]) {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: folder.path, isDirectory: &isDir), isDir.boolValue else {
            return (ExerciseCatalog(folder: folder, exercises: []), [DefinitionError(file: folder.path, "not a folder of exercises")])
        }
        let names = ((try? fm.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        var exercises: [Exercise] = []
        var errors: [DefinitionError] = []
        var broken: [String: DefinitionError] = [:]
        for name in names where !name.hasPrefix(".") {
            let sub = folder.appendingPathComponent(name)
            guard fm.fileExists(atPath: sub.path, isDirectory: &isDir), isDir.boolValue else { continue }
            do throws(DefinitionError) {
                exercises.append(try ExerciseLoader.load(folder: sub))
            } catch {
                errors.append(error)
                broken[name] = error
            }
        }
        if exercises.isEmpty && errors.isEmpty {
            errors.append(DefinitionError(file: folder.path, "holds no exercise folders"))
        }
        var catalog = ExerciseCatalog(folder: folder, exercises: exercises)
        catalog.broken = broken
        return (catalog, errors)
    }

    public func exercise(_ id: String) -> Exercise? { exercises.first { $0.id == id } }

    /// SHA-256 (lowercase hex) over each exercise's `"<id>=<hash>\n"`, in the
    /// order given: which hidden tests a report (or a queued job) stands for.
    /// An exercise's hash already covers every file of its folder and the
    /// engine. The one definition of that hash: a report's
    /// `exercises_sha256` and the service's catalog hash are both this.
    public static func sha256(of exercises: some Sequence<Exercise>) -> String {
        var h = Digest.Hasher()
        for e in exercises { h.update("\(e.id)=\(e.hash)\n") }
        return Digest.hex(h.finalize())
    }

    /// `Exercises/` next to the working directory, else next to the binary's
    /// package checkout (for `swift run` from elsewhere), else the env var.
    public static func defaultFolder() -> URL {
        if let env = ProcessInfo.processInfo.environment["PYGRADE_EXERCISES"], !env.isEmpty {
            return URL(fileURLWithPath: env)
        }
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Exercises")
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = dir.appendingPathComponent("Exercises")
            if FileManager.default.fileExists(atPath: candidate.appendingPathComponent(".").path) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        return cwd
    }
}
