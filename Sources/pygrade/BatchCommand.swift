import ArgumentParser
import CPygradeSupport
import Foundation
import PygradeKit

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Grade every candidate in a folder (each .py file or folder in it), on all cores.",
        discussion: """
            Each candidate's report is appended to the results file (JSON Lines) as soon as it is graded, \
            so a crash loses nothing; --resume continues an interrupted batch. \
            Ctrl-C finishes the candidates being graded and prints the command that continues. \
            \(ExitStatus.batchSummary)
            """
    )

    @Argument(help: "The folder of candidates.")
    var directory: String

    @Option(parsing: .unconditional, help: "Candidates graded at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The results file, one JSON report per line.")
    var out: String = "results.jsonl"

    @Option(help: "Also write a self-contained HTML report here.")
    var report: String?

    @Option(help: "Also write a CSV summary here.")
    var csv: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp(
            "Also write the CSV a gradebook imports: canvas or moodle, then the file (docs/gradebooks.md).",
            valueName: "canvas|moodle FILE"))
    var gradebook: [String] = []

    @Option(
        name: .customLong("gradebook-pattern"),
        help: "Where a candidate's name holds its identifier: a regular expression with (?<id>…) and (?<name>…).")
    var gradebookPattern: String?

    @Option(name: .customLong("gradebook-points"), help: "The assignment's points in the gradebook (default 100).")
    var gradebookPoints: Double = 100

    @Option(
        name: .customLong("gradebook-assignment"),
        help: "The assignment's column in Canvas (default: the assignment's name, else pygrade).")
    var gradebookAssignment: String?

    @Flag(
        help: ArgumentHelp(
            "Also rank the pairs of candidates by shared code (as `pygrade similar` does): printed after the summary, "
                + "a section of the HTML report, and one CSV row per pair in the --csv file's name ending .pairs.csv."))
    var similarity = false

    @Flag(help: "Continue the results file: skip candidates already graded with the same submission, exercises and assignment.")
    var resume = false

    @Flag(name: .customLong("no-progress"), help: "No progress output.")
    var noProgress = false

    @OptionGroup var grading: GradingOptions

    func validate() throws {
        try Limit.check("--jobs", jobs, from: 1, to: 1024)
        if !gradebook.isEmpty {
            guard gradebook.count == 2, GradebookExport.Kind(rawValue: gradebook[0]) != nil else {
                throw ValidationError("--gradebook: canvas or moodle, then the file to write")
            }
        }
        if let p = gradebookPattern, let problem = GradebookExport.problem(with: p) {
            throw ValidationError("--gradebook-pattern: \(problem)")
        }
        guard gradebookPoints > 0 && gradebookPoints.isFinite else { throw ValidationError("--gradebook-points: a number above 0") }
    }

    func run() throws {
        try StandardOutput.requireOpen()
        let catalog = try grading.catalog()
        var options = BatchOptions()
        options.jobs = jobs
        options.resume = resume
        options.grade = grading.gradeOptions
        // DIR/assignment.yaml unless --assignment names one: the operator's
        // folder, whose entries are candidates and never it.
        let found = (directory as NSString).appendingPathComponent(Assignment.fileName)
        var st = stat()
        options.grade.assignment = try grading.assignment(catalog, found: lstat(found, &st) == 0 ? found : nil)

        // Every usage error before the results file is touched.
        do { _ = try Grader(catalog: catalog, options: options.grade) } catch { throw CLIError.usage(error.description) }
        let candidates: [String]
        do { candidates = try BatchCandidates.list(directory) } catch { throw CLIError.usage(error.description) }
        // A report that cannot be written is found now, not after the batch.
        for path in [report, csv, similarity ? csv.map(Self.pairsCSV) : nil, gradebook.last].compactMap({ $0 }) {
            let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw CLIError.usage("\(path): cannot write (\(String(cString: strerror(errno))))") }
            close(fd)
        }
        let results: ResultsFile
        do { results = try resume ? ResultsFile.resume(out) : ResultsFile.create(out) } catch { throw CLIError.usage(error.description) }
        if results.repairedBytes > 0 {
            FileHandle.standardError.write(
                Data("pygrade: \(TerminalText.escapingControls(out)): removed a torn last line (\(results.repairedBytes) bytes)\n".utf8))
        }
        let runner: BatchRunner
        do { runner = try BatchRunner(catalog: catalog, options: options, candidates: candidates, results: results) } catch {
            throw CLIError.usage(error.description)
        }
        // From here on a Ctrl-C stops the batch cleanly (a second one at once).
        pg_interrupt_catch()
        do {
            // A broken exercise is left out of every report, which names it;
            // its author reads why here.
            for b in try runner.prepareExpected() {
                FileHandle.standardError.write(Data("pygrade: \(b.id) not graded: \(TerminalText.escapingControls(b.problem))\n".utf8))
            }
        } catch {
            throw error.broken?.stage == .definition ? CLIError.usage(error.description) : CLIError.internal(error.description)
        }

        let display = noProgress ? nil : ProgressDisplay()
        let progress: BatchProgress
        var interrupted = false
        func interruptIfAsked(_ p: BatchProgress?) {
            guard !interrupted, pg_interrupt_requested() != 0 else { return }
            interrupted = true
            runner.stop()
            // The progress line ends before anything else is said.
            if let p { display?.update(p, final: true) }
            FileHandle.standardError.write(
                Data("pygrade: interrupted: finishing the candidates being graded (Ctrl-C again to stop at once)\n".utf8))
        }
        do {
            interruptIfAsked(nil)
            var last: BatchProgress?
            progress = try runner.run { p in
                interruptIfAsked(p)
                if interrupted { return }
                if let last, last.done == p.done && p.seconds - last.seconds < 1 && display?.terminal == true { return }
                display?.update(p)
                last = p
            }
            if !interrupted { display?.update(progress, final: true) }
            try results.finish()
        } catch {
            throw CLIError.internal("\(out): \(error)")
        }
        if interrupted {
            FileHandle.standardError.write(
                Data(
                    ("pygrade: stopped with \(progress.done) of \(progress.total) candidates in \(TerminalText.escapingControls(out)); "
                        + "to continue:\n  \(ShellWords.command(Self.resumeArguments(CommandLine.arguments)))\n").utf8))
            throw ExitCode(ExitStatus.interrupted.rawValue)
        }

        let ids = runner.exerciseIDs
        do {
            print(try BatchSummary.of(out).text(), terminator: "")
            if let csv {
                var visible: [String: [String]] = [:]
                for id in ids { visible[id] = catalog.exercise(id)?.tests.filter { $0.visibility == .visible }.map(\.name) }
                try CSVReport.write(
                    results: out, candidates: candidates, folder: directory, exerciseIDs: ids, visibleTests: visible, to: csv)
            }
            if gradebook.count == 2, let kind = GradebookExport.Kind(rawValue: gradebook[0]) {
                let export = GradebookExport(
                    kind: kind, pattern: gradebookPattern, points: gradebookPoints,
                    assignment: gradebookAssignment ?? options.grade.assignment?.name ?? "pygrade")
                for name in try export.write(results: out, candidates: candidates, folder: directory, to: gradebook[1]) {
                    FileHandle.standardError.write(
                        Data(
                            "pygrade: \(TerminalText.escapingControls(gradebook[1])): left out \(TerminalText.escapingControls(name)): its name holds no identifier (\(export.pattern))\n"
                                .utf8))
                }
            }
            let pairs =
                try similarity
                ? SimilarCommand.compare(
                    directory, known: nil, catalog: catalog, maxBytes: grading.maxSize, threshold: SimilarityReport.defaultThreshold
                ).report : nil
            if let pairs {
                print(pairs.text(), terminator: "")
                if let csv { try pairs.writeCSV(to: Self.pairsCSV(csv)) }
            }
            if let report {
                var context = HTMLReport.Context()
                context.similarity = pairs
                context.exercisesSHA256 = runner.exercisesSHA256
                context.maxSourceBytes = grading.maxSize
                try HTMLReport.write(
                    results: out, exerciseIDs: ids, title: "pygrade: \((directory as NSString).lastPathComponent)", to: report,
                    candidates: candidates, context: context)
            }
        } catch {
            throw CLIError.internal("\(error)")
        }
        if progress.internalErrors > 0 {
            throw CLIError.internal(
                "\(progress.internalErrors) candidate(s) could not be graded by the grader: see their error records in \(out)")
        }
        if progress.errors > 0 {
            throw CLIError.someUnreadable("\(progress.errors) candidate(s) could not be read: see their error records in \(out)")
        }
    }

    /// Where `--similarity` writes its pairs: the `--csv` file's name with
    /// `.pairs.csv` for its extension (`summary.csv`: `summary.pairs.csv`).
    static func pairsCSV(_ csv: String) -> String {
        let ext = (csv as NSString).pathExtension
        return (ext.isEmpty ? csv : String(csv.dropLast(ext.count + 1))) + ".pairs.csv"
    }

    /// The same command line, with `--resume` if it lacked it: what carries
    /// on after a Ctrl-C, from the same folder.
    static func resumeArguments(_ arguments: [String]) -> [String] {
        arguments.contains("--resume") ? arguments : arguments + ["--resume"]
    }
}
