import ArgumentParser
import Foundation
import PygradeKit

enum CheckFormat: String, ExpressibleByArgument, CaseIterable {
    case text, junit
}

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check that every exercise is valid, every reference earns full marks, and every fixture gets its declared statuses.",
        discussion:
            "An exercise that no fixture declares a status for is a warning, not a failure. Exit status: 0 when all hold, 1 when something does not, 2 on bad usage."
    )

    @OptionGroup var exercisesFolder: ExercisesFolderOption

    @Option(help: "The folder of fixtures.")
    var fixtures: String = "Fixtures"

    @Option(help: "Also check this assignment file against the exercises (and the references under its limits).")
    var assignment: String?

    @Option(name: .customLong("exercise"), help: "Check only this exercise (repeatable), and the fixtures that declare statuses for it.")
    var exerciseIDs: [String] = []

    @Option(help: "Output: text (a line per check as it completes) or junit (one XML document at the end).")
    var format: CheckFormat = .text

    func run() throws {
        let folder = exercisesFolder.folder
        let (unknown, known) = CheckRunner.unknownExercises(exerciseIDs, in: folder)
        if let id = unknown.first {
            throw CLIError.usage("unknown exercise '\(id)' (known: \(known.joined(separator: ", ")))")
        }
        let runner = CheckRunner(exercisesFolder: folder, fixturesFolder: fixtures, exerciseIDs: exerciseIDs)
        runner.assignmentFile = assignment
        if format == .junit {
            let items = runner.run()
            print(JUnitReport.render(checks: items), terminator: "")
            throw ExitCode(items.allSatisfy(\.ok) ? 0 : 1)
        }
        let colour = TextReport.colourWanted()
        let items = runner.run { item in
            let mark =
                item.warning
                ? (colour ? "\u{1B}[33mwarn\u{1B}[0m" : "warn")
                : item.ok ? (colour ? "\u{1B}[32mok\u{1B}[0m  " : "ok  ") : (colour ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL")
            // A fixture's name and a refusal's text are paths: escaped for the terminal.
            print(
                "\(mark) \(item.kind.rawValue) \(TerminalText.escapingControls("\(item.name): \(item.detail)"))"
                    + (item.milliseconds > 0 ? String(format: " (%.0f ms)", item.milliseconds) : ""))
            fflush(nil)
        }
        let failed = items.filter { !$0.ok }
        let warnings = items.filter(\.warning).count
        let checks = items.count - warnings
        print(
            "\(checks - failed.count) of \(checks) checks hold" + (failed.isEmpty ? "" : "; \(failed.count) do not")
                + (warnings == 0 ? "" : "; \(warnings) warning\(warnings == 1 ? "" : "s")"))
        throw ExitCode(failed.isEmpty ? 0 : 1)
    }
}
