import ArgumentParser
import Foundation
import PygradeKit

enum ReportFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, junit, gradescope, exercism
}

extension GradescopeReport.Visibility: ExpressibleByArgument {}

struct GradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grade",
        abstract: "Grade one submission: a .py file, or a folder (<exercise>.py, else solution.py, main.py or its only .py file).",
        discussion: ExitStatus.gradeSummary
    )

    @Argument(help: "The submission: a .py file or a folder; - reads it from standard input (named \(Submission.standardInputName)).")
    var path: String

    @Option(
        help:
            "Report format: text, json (docs/report.schema.json), junit (XML), gradescope (results.json) or exercism (results.json, version 3)."
    )
    var format: ReportFormat = .text

    @Option(
        name: .customLong("gradescope-hidden"),
        help: """
            With --format gradescope, what Gradescope shows of hidden tests: hidden, after_due_date or after_published \
            (default: the assignment's gradescope_hidden, else hidden).
            """)
    var gradescopeHidden: GradescopeReport.Visibility?

    @OptionGroup var grading: GradingOptions

    @Flag(help: .hidden)
    var timings = false

    func run() throws {
        let start = Clock.now
        try StandardOutput.requireOpen()
        let catalog = try grading.catalog()
        var options = grading.gradeOptions
        // Only the one named: the folder that holds a submission is often the
        // candidate's own (an upload folder), and a candidate must never
        // choose what counts. One lying there is pointed out, not read.
        options.assignment = try grading.assignment(catalog)
        if options.assignment == nil { noteUnreadAssignment() }
        let grader: Grader
        do { grader = try Grader(catalog: catalog, options: options) } catch { throw CLIError.usage(error.description) }
        let submission: Submission
        do {
            submission =
                path == Submission.standardInputArgument
                ? try Submission.loadStandardInput(maxBytes: grading.maxSize)
                : try Submission.load(path, maxBytes: grading.maxSize, exerciseIDs: grader.exercises.map(\.id))
        } catch {
            throw CLIError.usage(error.description)
        }
        let report: Report
        do {
            report = try grader.grade(submission)
        } catch {
            // Nothing was graded: every exercise asked for is broken. A
            // malformed definition is bad input; anything else, ours.
            throw error.broken?.stage == .definition ? CLIError.usage(error.description) : CLIError.internal(error.description)
        }

        switch format {
        case .text: print(TextReport(colour: TextReport.colourWanted()).render(report), terminator: "")
        case .json: print(try ReportJSON.encode(report))
        case .junit: print(JUnitReport.render(report), terminator: "")
        case .gradescope:
            let hidden = gradescopeHidden ?? options.assignment?.gradescopeHidden ?? .hidden
            print(try GradescopeReport(report, hidden: hidden, executionSeconds: start.millisecondsElapsed / 1000).encoded())
        case .exercism: print(try ExercismReport(report, exercises: grader.exercises).encoded())
        }
        try StandardOutput.flush()
        if timings { printTimings(grader) }
        warnNotGraded(report, grader)
        throw ExitCode((report.verdict == .passed ? ExitStatus.success : .failed).rawValue)
    }

    /// A note on stderr when `assignment.yaml` lies next to the submission
    /// (as `batch` of that folder would read it) but `--assignment` was not given.
    private func noteUnreadAssignment() {
        // Standard input lies in no folder.
        guard path != Submission.standardInputArgument else { return }
        let folder = PathText.folder(of: path)
        let file = folder.isEmpty ? Assignment.fileName : folder == "/" ? "/\(Assignment.fileName)" : "\(folder)/\(Assignment.fileName)"
        var st = stat()
        guard lstat(file, &st) == 0 else { return }
        var err = FileHandle.standardError
        print(
            "pygrade: note: \(TerminalText.escapingControls(file)) is not read by grade; pass --assignment \(TerminalText.escapingControls(file)) to grade under it",
            to: &err)
    }

    /// A line on stderr per exercise left out, for the exercise's author:
    /// the report says which part is broken, this says how.
    private func warnNotGraded(_ report: Report, _ grader: Grader) {
        for n in report.notGraded ?? [] {
            guard let b = grader.broken[n.id] else { continue }
            FileHandle.standardError.write(Data("pygrade: \(n.id) not graded: \(TerminalText.escapingControls(b.problem))\n".utf8))
        }
    }

    private func printTimings(_ grader: Grader) {
        var err = FileHandle.standardError
        print(String(format: "worker spawn (Python start-up, once): %.2f ms", grader.workerSpawnMs), to: &err)
        for t in grader.lastTimings {
            let overhead = t.roundTripMs - t.candidateCPUms + t.compareMs
            print(
                String(
                    format:
                        "%@: round trip %.2f ms (worker %.2f, fork %.2f, load %.2f, compile %.2f, tests %.2f, reap %.2f, children %d), compare %.2f ms, candidate CPU %.2f ms, overhead %.2f ms",
                    t.exercise, t.roundTripMs, t.worker.totalMs, t.worker.forkMs, t.worker.loadMs, t.worker.compileMs, t.worker.testsMs,
                    t.worker.reapMs,
                    t.worker.children,
                    t.compareMs, t.candidateCPUms, overhead),
                to: &err)
            if t.visibleRun {
                print(
                    String(
                        format:
                            "%@: visible tests run again for their text: %.2f ms (fork %.2f, load %.2f, tests %.2f, reap %.2f, children %d)",
                        t.exercise, t.visibleRunMs, t.visibleWorker.forkMs, t.visibleWorker.loadMs, t.visibleWorker.testsMs,
                        t.visibleWorker.reapMs, t.visibleWorker.children),
                    to: &err)
            }
        }
        // Each such run costs a fork and the visible tests again (plus, once,
        // the start of the visible-only worker).
        print("visible re-runs: \(grader.lastTimings.filter(\.visibleRun).count)", to: &err)
        if grader.visibleWorkerSpawnMs > 0 {
            print(String(format: "visible-only worker spawn (once): %.2f ms", grader.visibleWorkerSpawnMs), to: &err)
        }
    }
}

extension FileHandle: @retroactive TextOutputStream {
    public func write(_ string: String) { write(Data(string.utf8)) }
}
