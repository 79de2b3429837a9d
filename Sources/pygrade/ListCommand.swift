import ArgumentParser
import Foundation
import PygradeKit

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the exercises: id, title, entry point, number of tests and limits.",
        discussion:
            "Exit status: 0, or 2 when a definition is malformed (a line on stderr for each problem, naming its file and line; the valid exercises are listed)."
    )

    @OptionGroup var exercisesFolder: ExercisesFolderOption

    func run() throws {
        let folder = exercisesFolder.folder
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: folder)
        var problems = errors
        var malformed = Set<String>()
        // The Python each definition holds, compiled by the interpreter that
        // builds the inputs (a worker's).
        if !catalog.exercises.isEmpty {
            do {
                let found = try ExerciseSourceCheck.problems(in: catalog.exercises, worker: try WorkerClient())
                problems += found.map(\.error)
                malformed = Set(found.map(\.exercise))
            } catch {
                FileHandle.standardError.write(Data("pygrade: warning: the exercises' Python was not checked: \(error)\n".utf8))
            }
        }
        let valid = catalog.exercises.filter { !malformed.contains($0.id) }
        if !valid.isEmpty { print(ExerciseTable.render(valid), terminator: "") }
        guard problems.isEmpty else {
            for p in problems.dropLast() {
                FileHandle.standardError.write(Data("pygrade: \(TerminalText.escapingControls(p.description))\n".utf8))
            }
            throw CLIError.usage(problems.last!.description)
        }
    }
}

/// The table `pygrade list` prints: plain columns, for people and for `awk`.
enum ExerciseTable {
    static let header = ["id", "title", "entry", "tests", "points", "time/test", "memory", "output/test"]

    static func row(_ e: Exercise) -> [String] {
        let custom = Set(e.tests.compactMap(\.timeSeconds)).subtracting([e.limits.timeSeconds])
        let time =
            seconds(e.limits.timeSeconds) + (custom.isEmpty ? "" : " (some tests: \(custom.sorted().map(seconds).joined(separator: ", ")))")
        return [
            e.id, e.title, "\(e.entry)()", "\(e.tests.count)", number(e.points), time, "\(e.limits.memoryMiB) MiB",
            "\(e.limits.outputBytes / 1024) KiB",
        ]
    }

    static func render(_ exercises: [Exercise]) -> String {
        let rows = [header] + exercises.map(row)
        let widths = header.indices.map { c in rows.map { $0[c].count }.max() ?? 0 }
        return rows.map { r in
            r.indices.map { c in c == r.count - 1 ? r[c] : r[c].padding(toLength: widths[c], withPad: " ", startingAt: 0) }
                .joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func seconds(_ s: Double) -> String { "\(number(s)) s CPU" }

    private static func number(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(d)
    }
}
