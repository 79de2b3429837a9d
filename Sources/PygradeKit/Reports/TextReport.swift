import Foundation
import Rainbow

/// The report for a person: one aligned row per exercise, the first failure
/// in words. Colour only when asked (the CLI asks when stdout is a terminal
/// and NO_COLOR is unset).
public struct TextReport {
    public var colour: Bool
    /// Whether a weaker sandbox gets its line: not in what a candidate
    /// reads (Gradescope's output), which need not learn which layers a
    /// grading machine lacks.
    public var sandboxLine: Bool

    public init(colour: Bool, sandboxLine: Bool = true) {
        self.colour = colour
        self.sandboxLine = sandboxLine
    }

    /// Colour on a terminal only, and never when `NO_COLOR` is set (to
    /// anything: an empty value is still a request) or `TERM` is `dumb`.
    public static func colourWanted(fd: Int32 = 1) -> Bool {
        colourWanted(environment: ProcessInfo.processInfo.environment, isTerminal: isatty(fd) != 0)
    }

    public static func colourWanted(environment env: [String: String], isTerminal: Bool) -> Bool {
        isTerminal && env["NO_COLOR"] == nil && env["TERM"] != "dumb"
    }

    public func render(_ report: Report) -> String {
        var lines: [String] = []
        let verdict = report.verdict == .passed ? paint("passed", .green) : paint("failed", .red)
        // The submission's path is the candidate's to choose (a batch
        // candidate's file name): shown escaped like its output.
        let name = TerminalText.escapingControls(report.submission)
        lines.append("\(bold(name))  \(verdict)  \(TextReport.number(report.score))/\(TextReport.number(report.maxScore))")
        if let a = report.assignment { lines.append("  " + TextReport.assignmentLine(a)) }
        // Said above the table, where a reader looks first: a grade given
        // under a weaker sandbox, and a file that answers nothing (a name
        // misspelt, or another assignment's file).
        if sandboxLine, let weaker = SandboxLayer.weakerSandboxLine(missing: SandboxLayer.missing(inReport: report.grader.sandbox)) {
            lines.append(paint(weaker, .yellow))
        }
        if TextReport.definesNone(report) {
            lines.append("this submission defines none of the graded functions: every exercise is missing")
        }
        let header = ["exercise", "status", "score", "tests", "first failure"]
        let rows = report.exercises.map { e in
            [
                e.id, e.status.rawValue, "\(TextReport.number(e.score))/\(TextReport.number(e.maxScore))",
                e.tests.isEmpty ? "-" : "\(e.tests.filter { $0.status == .passed }.count)/\(e.tests.count)",
                // A visible test's message can quote the candidate's text:
                // no control character reaches the terminal, no line break
                // the table.
                e.status == .passed ? "" : TerminalText.escapingControls(e.message),
            ]
        }
        let columns = header.count - 1
        let widths = (0..<columns).map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func pad(_ s: String, _ w: Int, right: Bool = false) -> String {
            let fill = String(repeating: " ", count: max(0, w - s.count))
            return right ? fill + s : s + fill
        }
        // Numbers align on the right, words on the left.
        let rightAligned: Set<Int> = [2, 3]
        lines.append(
            "  "
                + bold(
                    (0..<columns).map { pad(header[$0], widths[$0], right: rightAligned.contains($0)) }.joined(separator: "  ") + "  "
                        + header[columns]))
        for (row, e) in zip(rows, report.exercises) {
            var cells = (0..<columns).map { pad(row[$0], widths[$0], right: rightAligned.contains($0)) }
            cells[1] = paint(cells[1], TextReport.colour(of: e.status))
            lines.append("  " + (cells + [row[columns]]).joined(separator: "  ").trimmingTrailingSpaces())
        }
        for n in report.notGraded ?? [] {
            lines.append("  \(paint(n.id, .yellow)): \(TerminalText.escapingControls(n.message))")
        }
        for note in report.notes ?? [] { lines.append("  note: \(note)") }
        for e in report.exercises {
            lines += failureBlock(e)
            lines += outputBlock(e)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Which assignment graded: its name (escaped, as a file name is) and
    /// the start of its file's SHA-256, enough to tell two versions apart.
    public static func assignmentLine(_ a: AssignmentInfo) -> String {
        "assignment: \(TerminalText.escapingControls(a.name)) (sha256 \(a.sha256.prefix(12)))"
    }

    /// Whether every exercise is `missing`: no graded entry point anywhere.
    static func definesNone(_ report: Report) -> Bool {
        !report.exercises.isEmpty && report.exercises.allSatisfy { $0.status == .missing }
    }

    /// The first failing visible test of an exercise as Python would write
    /// it: its call, the expected value and what it returned (each already
    /// cut, PyRepr), indented under the table. Hidden tests have none.
    func failureBlock(_ e: ExerciseReport) -> [String] {
        guard
            let t = e.tests.first(where: {
                $0.visibility == .visible && $0.status != .passed && ($0.call != nil || $0.expected != nil || $0.got != nil)
            })
        else { return [] }
        var out = ["  \(bold("\(e.id): test '\(TerminalText.escapingControls(t.name))'")) (\(t.status.rawValue)):"]
        for (label, value) in [("call:    ", t.call), ("expected:", t.expected), ("got:     ", t.got)] {
            // Python's repr escapes every control character already; this
            // is the second lock on the terminal's door.
            if let value { out.append("    \(label) " + TerminalText.escapingControls(value)) }
        }
        return out
    }

    /// At most so many lines of a test's output in the text report (the
    /// JSON report has all the worker kept).
    static let outputLines = 20

    /// What the first failing visible test of an exercise printed (or, when
    /// none failed, the first visible test that printed), indented under the
    /// table. Control characters are shown escaped: a candidate's output must
    /// not drive the reader's terminal.
    func outputBlock(_ e: ExerciseReport) -> [String] {
        let printed = e.tests.filter { $0.visibility == .visible && $0.output?.isEmpty == false }
        guard let t = printed.first(where: { $0.status != .passed }) ?? printed.first, let output = t.output else { return [] }
        var body = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if body.last == "" { body.removeLast() }
        var notes: [String] = []
        if body.count > TextReport.outputLines {
            notes.append("\(body.count - TextReport.outputLines) more lines")
            body = Array(body.prefix(TextReport.outputLines))
        }
        if t.outputTruncated == true { notes.append("cut: only the first \(TestOutcome.keptOutputBytes) bytes are kept") }
        var out = ["  \(bold("\(e.id): output of test '\(t.name)'"))" + (t.status == .passed ? "" : " (\(t.status.rawValue))") + ":"]
        out += body.map { "    | " + TerminalText.escapingControls($0) }
        if !notes.isEmpty { out.append("    [" + notes.joined(separator: "; ") + "]") }
        return out
    }

    static func colour(of status: ExerciseStatus) -> NamedColor {
        switch status {
        case .passed: .green
        case .wrongAnswer, .ruleViolation, .missing, .syntaxError: .red
        default: .yellow
        }
    }

    static func number(_ x: Double) -> String {
        x == x.rounded()
            ? String(Int(x)) : String(format: "%.2f", x).replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }

    private func paint(_ s: String, _ c: NamedColor) -> String { colour ? s.applyingColor(c) : s }
    private func bold(_ s: String) -> String { colour ? s.bold : s }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
