import Foundation
import Rainbow

/// The report for a person: one aligned row per exercise, the first failure
/// in words. Colour only when asked (the CLI asks when stdout is a terminal
/// and NO_COLOR is unset).
public struct TextReport {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public static func colourWanted(fd: Int32 = 1) -> Bool {
        let env = ProcessInfo.processInfo.environment
        if let v = env["NO_COLOR"], !v.isEmpty { return false }
        return isatty(fd) != 0 && env["TERM"] != "dumb"
    }

    public func render(_ report: Report) -> String {
        var lines: [String] = []
        let verdict = report.verdict == .passed ? paint("passed", .green) : paint("failed", .red)
        lines.append("\(bold(report.submission))  \(verdict)  \(TextReport.number(report.score))/\(TextReport.number(report.maxScore))")
        let rows = report.exercises.map { e in
            [
                e.id, e.status.rawValue, "\(TextReport.number(e.score))/\(TextReport.number(e.maxScore))",
                e.status == .passed ? "" : e.message,
            ]
        }
        let header = ["exercise", "status", "score", "first failure"]
        let widths = (0..<3).map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
        func pad(_ s: String, _ w: Int) -> String { s + String(repeating: " ", count: max(0, w - s.count)) }
        lines.append("  " + bold((0..<3).map { pad(header[$0], widths[$0]) }.joined(separator: "  ") + "  " + header[3]))
        for (row, e) in zip(rows, report.exercises) {
            let status = paint(pad(row[1], widths[1]), TextReport.colour(of: e.status))
            lines.append(
                "  " + [pad(row[0], widths[0]), status, pad(row[2], widths[2]), row[3]].joined(separator: "  ").trimmingTrailingSpaces())
        }
        return lines.joined(separator: "\n") + "\n"
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
