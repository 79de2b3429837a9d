import ArgumentParser
import Foundation
import PygradeKit

struct BatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "batch",
        abstract: "Grade every candidate in a folder (each .py file or folder in it), on all cores.",
        discussion: """
            Each candidate's report is appended to the results file (JSON Lines) as soon as it is graded, \
            so a crash loses nothing; --resume continues an interrupted batch. \
            Exit status: 0 every candidate graded, 2 bad usage or some candidate unreadable (see its error record), 3 internal error.
            """
    )

    @Argument(help: "The folder of candidates.")
    var directory: String

    @Option(help: "Candidates graded at once (default: the number of cores).")
    var jobs: Int = ProcessInfo.processInfo.activeProcessorCount

    @Option(help: "The results file, one JSON report per line.")
    var out: String = "results.jsonl"

    @Option(help: "Also write a self-contained HTML report here.")
    var report: String?

    @Option(help: "Also write a CSV summary here.")
    var csv: String?

    @Flag(help: "Continue the results file: skip candidates already graded with the same submission, exercises and assignment.")
    var resume = false

    @Flag(name: .customLong("no-progress"), help: "No progress output.")
    var noProgress = false

    @OptionGroup var grading: GradingOptions

    func validate() throws {
        if jobs < 1 || jobs > 1024 { throw ValidationError("--jobs must be between 1 and 1024") }
    }

    func run() throws {
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
        for path in [report, csv].compactMap({ $0 }) {
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
        do {
            var last: BatchProgress?
            progress = try runner.run { p in
                if let last, last.done == p.done && p.seconds - last.seconds < 1 && display?.terminal == true { return }
                display?.update(p)
                last = p
            }
            display?.update(progress, final: true)
            try results.finish()
        } catch {
            throw CLIError.internal("\(out): \(error)")
        }

        let ids = runner.exerciseIDs
        do {
            print(try BatchSummary.of(out).text(), terminator: "")
            if let csv { try CSVReport.write(results: out, exerciseIDs: ids, to: csv) }
            if let report {
                try HTMLReport.write(
                    results: out, exerciseIDs: ids, title: "pygrade: \((directory as NSString).lastPathComponent)", to: report)
            }
        } catch {
            throw CLIError.internal("\(error)")
        }
        if progress.internalErrors > 0 {
            throw CLIError.internal(
                "\(progress.internalErrors) candidate(s) could not be graded by the grader: see their error records in \(out)")
        }
        if progress.errors > 0 {
            throw CLIError.usage("\(progress.errors) candidate(s) could not be read: see their error records in \(out)")
        }
    }
}
