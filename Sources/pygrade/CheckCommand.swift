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
        discussion: "Exit status: 0 when all hold, 1 when something does not."
    )

    @OptionGroup var exercisesFolder: ExercisesFolderOption

    @Option(help: "The folder of fixtures.")
    var fixtures: String = "Fixtures"

    @Option(help: "Output: text (a line per check as it completes) or junit (one XML document at the end).")
    var format: CheckFormat = .text

    func run() throws {
        let runner = CheckRunner(exercisesFolder: exercisesFolder.folder, fixturesFolder: fixtures)
        if format == .junit {
            let items = runner.run()
            print(JUnitReport.render(checks: items), terminator: "")
            throw ExitCode(items.allSatisfy(\.ok) ? 0 : 1)
        }
        let colour = TextReport.colourWanted()
        let items = runner.run { item in
            let mark = item.ok ? (colour ? "\u{1B}[32mok\u{1B}[0m  " : "ok  ") : (colour ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL")
            // A fixture's name and a refusal's text are paths: escaped for the terminal.
            print(
                "\(mark) \(item.kind.rawValue) \(TerminalText.escapingControls("\(item.name): \(item.detail)"))"
                    + (item.milliseconds > 0 ? String(format: " (%.0f ms)", item.milliseconds) : ""))
            fflush(nil)
        }
        let failed = items.filter { !$0.ok }
        print("\(items.count - failed.count) of \(items.count) checks hold" + (failed.isEmpty ? "" : "; \(failed.count) do not"))
        throw ExitCode(failed.isEmpty ? 0 : 1)
    }
}
