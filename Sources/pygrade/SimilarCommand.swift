import ArgumentParser
import Foundation
import PygradeKit

/// `pygrade similar DIR`: which candidates handed in the same answer, and
/// which a known public one (Similarity). Nothing is run: the sources are
/// read as a batch reads them, and compared.
struct SimilarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "similar",
        abstract: "Rank the pairs of candidates in a folder by how much code they share.",
        discussion: """
            Each candidate (a .py file or a folder, as for batch) is fingerprinted by winnowing over its tokens, with \
            names and literals normalised and comments ignored. Starter code, the exercises' references and what more \
            than half of the candidates share are left out. Exit status: 0 when every candidate was read, \
            \(ExitStatus.someUnreadable.rawValue) when some could not be (each is named; the rest are compared), \
            2 bad usage.
            """
    )

    @Argument(help: "The folder of candidates.")
    var directory: String

    @Option(help: "A folder of known public answers: a candidate that matches one is flagged.")
    var known: String?

    @Option(help: "The least share of a listed pair, in percent.")
    var threshold: Double = SimilarityReport.defaultThreshold * 100

    @Option(help: "Also write one CSV row per listed pair here.")
    var csv: String?

    @Option(help: "Also write an HTML page with each pair side by side here.")
    var report: String?

    @Option(name: .customLong("max-size"), help: "Largest candidate read, in bytes.")
    var maxSize: Int = Submission.defaultMaxBytes

    @OptionGroup var exercisesFolder: ExercisesFolderOption

    func validate() throws {
        guard threshold >= 0 && threshold <= 100 else { throw ValidationError("--threshold: a percentage from 0 to 100") }
        try Limit.check("--max-size", maxSize, from: 1, to: Int.max, unit: "byte")
    }

    func run() throws {
        try StandardOutput.requireOpen()
        let catalog = try exercisesFolder.catalog()
        let result = try Self.compare(
            directory, known: known, catalog: catalog, maxBytes: maxSize, threshold: threshold / 100)
        print(result.report.text(), terminator: "")
        do {
            if let csv { try result.report.writeCSV(to: csv) }
            if let report {
                try result.report.writeHTML(title: "pygrade: similarity in \((directory as NSString).lastPathComponent)", to: report)
            }
        } catch {
            throw CLIError.usage("\(error)")
        }
        if !result.problems.isEmpty {
            throw CLIError.someUnreadable("\(result.problems.count) candidate(s) could not be read and were not compared")
        }
    }

    /// Reads the candidates (and known answers) and compares them; each
    /// candidate that cannot be read is named on stderr. Bad usage: a folder
    /// that is not one.
    static func compare(
        _ directory: String, known: String?, catalog: ExerciseCatalog, maxBytes: Int, threshold: Double
    ) throws -> (report: SimilarityReport, problems: [SubmissionError]) {
        let ids = catalog.exercises.map(\.id)
        do {
            let candidates = try SimilarityInput.documents(in: directory, exerciseIDs: ids, maxBytes: maxBytes)
            let answers = try known.map { try SimilarityInput.documents(in: $0, exerciseIDs: ids, maxBytes: maxBytes, known: true) }
            let problems = candidates.problems + (answers?.problems ?? [])
            for p in problems {
                FileHandle.standardError.write(Data("pygrade: not compared: \(TerminalText.escapingControls(p.description))\n".utf8))
            }
            let similarity = Similarity(
                candidates: candidates.documents, known: answers?.documents ?? [], base: SimilarityInput.base(catalog))
            return (SimilarityReport(similarity, threshold: threshold), problems)
        } catch {
            throw CLIError.usage("\(error)")
        }
    }
}
