import Foundation
import PygradeKit

/// An assignment sent inside a request: written as JSON (which the YAML
/// reader takes) to a file of the node's data folder under a name this code
/// chooses, read by `AssignmentLoader.load` like any assignment file, and
/// removed. Its problems are worded without that file's path.
enum InlineAssignment {
    static func load(_ value: JSONValue, catalog: ExerciseCatalog, folder: URL) -> Result<Assignment, DefinitionError> {
        let dir = folder.appendingPathComponent("tmp", isDirectory: true)
        let file = dir.appendingPathComponent("assignment-\(UUID().uuidString).json")
        do {
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try JSONEncoder().encode(value).write(to: file, options: .withoutOverwriting)
        } catch {
            return .failure(
                DefinitionError(file: "assignment", "cannot be written to the node's data folder: \(error.localizedDescription)"))
        }
        defer { try? FileManager.default.removeItem(at: file) }
        do {
            return .success(try AssignmentLoader.load(file.path, catalog: catalog))
        } catch {
            // The file is ours and one line long: the request only knows
            // "assignment", and a line number would mean nothing to it.
            return .failure(DefinitionError(file: "assignment", error.problem.replacingOccurrences(of: file.path, with: "assignment")))
        }
    }
}
