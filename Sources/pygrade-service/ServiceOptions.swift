import ArgumentParser
import Foundation
import PygradeKit
import PygradeQueue

/// The options `serve` and `work` share.
struct ServiceOptions: ParsableArguments {
    @Option(help: "The service's data folder (default: $XDG_STATE_HOME/pygrade, else ~/.local/state/pygrade).")
    var data: String?

    @Option(name: .customLong("exercises-dir"), help: "The folder of exercises (default: ./Exercises).")
    var exercisesDir: String?

    @Option(help: "Seconds a claimed job stays this worker's without a heartbeat (renewed every third of it).")
    var lease: Double = 60

    func validate() throws {
        guard lease >= 1 && lease <= 3600 else { throw ValidationError("--lease must be between 1 and 3600 seconds") }
    }

    /// The data folder, made (0700) when missing.
    func dataFolder() throws -> URL {
        let env = ProcessInfo.processInfo.environment
        let folder: URL
        if let data {
            folder = URL(fileURLWithPath: data)
        } else if let state = env["XDG_STATE_HOME"], state.hasPrefix("/") {
            folder = URL(fileURLWithPath: state).appendingPathComponent("pygrade")
        } else {
            folder = FileManager.default.homeDirectoryForCurrentUser
                .appendingPathComponent(".local/state/pygrade")
        }
        do {
            try FileManager.default.createDirectory(
                at: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw ServiceStartError("the data folder \(folder.path) cannot be made: \(error.localizedDescription)")
        }
        return folder
    }

    /// The exercise catalog, by the CLI's rules: a malformed definition
    /// leaves the others gradable; no valid one at all is bad usage.
    func catalog() throws -> ExerciseCatalog {
        let folder = exercisesDir.map { URL(fileURLWithPath: $0) } ?? ExerciseCatalog.defaultFolder()
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: folder)
        if let first = errors.first, catalog.exercises.isEmpty || errors.count > catalog.broken.count {
            throw ServiceStartError(first.description)
        }
        return catalog
    }

    /// `--queue`, else `sqlite:<data>/queue.sqlite3`. A PostgreSQL URL
    /// without a password takes `PGPASSWORD` from the environment, as
    /// PostgreSQL's own tools do: a command line is visible to every local
    /// user in the process list, the environment is not.
    func queueLocation(_ given: String?, data: URL) throws -> QueueLocation {
        let location: QueueLocation
        do {
            location = try QueueLocation(parsing: given ?? "sqlite:\(data.appendingPathComponent("queue.sqlite3").path)")
        } catch {
            throw ServiceStartError("\(error)")
        }
        guard case .postgres(var endpoint) = location, endpoint.password == nil,
            let password = ProcessInfo.processInfo.environment["PGPASSWORD"]
        else { return location }
        endpoint.password = password
        return .postgres(endpoint)
    }

    /// The queue, opened (its tables made when missing).
    func open(_ location: QueueLocation) async throws -> any JobQueue {
        do {
            return try await location.open()
        } catch {
            throw ServiceStartError("the queue \(location) cannot be opened: \(error)")
        }
    }
}

/// Where the binaries are: `pygrade` (what the graders start as workers)
/// lies next to `pygrade-service`, in the same folder.
enum Binaries {
    static func ownFolder() -> URL {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        return URL(fileURLWithPath: me).deletingLastPathComponent()
    }

    static func pygrade() throws -> String {
        let path = ownFolder().appendingPathComponent("pygrade").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw ServiceStartError(
                "\(path) is missing: pygrade-service grades with the pygrade binary next to it (swift build --product pygrade)")
        }
        return path
    }
}
