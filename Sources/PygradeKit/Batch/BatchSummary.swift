import Foundation

/// Aggregates of a results file, built one record at a time: its size does
/// not grow with the number of candidates (only the few slowest and the
/// first errors are kept).
public struct BatchSummary: Sendable {
    public struct ExerciseStats: Sendable {
        public var id: String
        public var graded = 0
        public var statuses: [ExerciseStatus: Int] = [:]
        public var tests: [TestStats] = []
        public var passed: Int { statuses[.passed] ?? 0 }
        public var passRate: Double { graded > 0 ? Double(passed) / Double(graded) : 0 }
    }
    public struct TestStats: Sendable {
        public var name: String
        public var visibility: Visibility
        public var hint: String
        public var ran = 0
        public var failed = 0
        public var failureRate: Double { ran > 0 ? Double(failed) / Double(ran) : 0 }
    }
    public struct Slow: Sendable {
        public var submission: String
        public var elapsedMs: Double
    }

    public static let bins = 10
    public static let keptErrors = 20
    public static let keptSlowest = 5

    public var candidates = 0
    public var graded = 0
    public var passed = 0
    public var errorCount = 0
    /// The first errors, in file order.
    public var errors: [BatchErrorRecord] = []
    /// Candidates per score decile (percent of max score; 100 % in the last).
    public var histogram = [Int](repeating: 0, count: BatchSummary.bins)
    public var scoreTotal = 0.0
    public var exercises: [ExerciseStats] = []
    public var slowest: [Slow] = []
    /// The assignment of the last report (one batch grades under one).
    public var assignment: AssignmentInfo?
    /// Every sandbox layer missing when any candidate was graded, in the
    /// order first seen (a resumed batch may have run on another machine).
    public var missingLayers: [String] = []

    public init() {}

    public var meanPercent: Double { graded > 0 ? scoreTotal / Double(graded) : 0 }

    public static func bin(percent: Double) -> Int { min(bins - 1, max(0, Int(percent / 100 * Double(bins)))) }

    public static func percent(_ r: Report) -> Double { r.maxScore > 0 ? r.score / r.maxScore * 100 : 0 }

    public mutating func add(_ record: BatchRecord) {
        candidates += 1
        switch record {
        case .error(let e):
            errorCount += 1
            if errors.count < BatchSummary.keptErrors { errors.append(e) }
        case .report(let r, let ms):
            graded += 1
            if r.verdict == .passed { passed += 1 }
            if let a = r.assignment { assignment = a }
            let p = BatchSummary.percent(r)
            scoreTotal += p
            histogram[BatchSummary.bin(percent: p)] += 1
            for e in r.exercises { add(e) }
            for layer in SandboxLayer.missing(inReport: r.grader.sandbox) where !missingLayers.contains(layer) {
                missingLayers.append(layer)
            }
            if slowest.count < BatchSummary.keptSlowest || ms > slowest.last!.elapsedMs {
                slowest.append(Slow(submission: r.submission, elapsedMs: ms))
                slowest.sort { $0.elapsedMs > $1.elapsedMs }
                if slowest.count > BatchSummary.keptSlowest { slowest.removeLast() }
            }
        }
    }

    private mutating func add(_ e: ExerciseReport) {
        let i: Int
        if let found = exercises.firstIndex(where: { $0.id == e.id }) {
            i = found
        } else {
            exercises.append(ExerciseStats(id: e.id))
            i = exercises.count - 1
        }
        exercises[i].graded += 1
        exercises[i].statuses[e.status, default: 0] += 1
        for t in e.tests {
            let j: Int
            if let found = exercises[i].tests.firstIndex(where: { $0.name == t.name }) {
                j = found
            } else {
                exercises[i].tests.append(TestStats(name: t.name, visibility: t.visibility, hint: t.hint))
                j = exercises[i].tests.count - 1
            }
            exercises[i].tests[j].ran += 1
            if t.status != .passed { exercises[i].tests[j].failed += 1 }
        }
    }

    /// Streams a results file.
    public static func of(_ path: String) throws -> BatchSummary {
        var s = BatchSummary()
        try ResultsFile.forEachRecord(in: path) { s.add($0) }
        return s
    }

    /// The summary table for a person, at the end of a batch.
    public func text() -> String {
        var out: [String] = []
        func pct(_ x: Double) -> String { String(format: "%.0f%%", x * 100) }
        out.append(
            "\(candidates) candidates: \(graded) graded, \(passed) passed every exercise, \(errorCount) error\(errorCount == 1 ? "" : "s")"
                + (graded > 0 ? String(format: "; mean score %.1f%%", meanPercent) : ""))
        if let assignment { out.append(TextReport.assignmentLine(assignment)) }
        if let weaker = SandboxLayer.weakerSandboxLine(missing: missingLayers) { out.append(weaker) }
        if graded > 0 {
            out.append("score distribution:")
            let peak = histogram.max() ?? 1
            for (i, n) in histogram.enumerated() {
                let lo = i * 100 / BatchSummary.bins
                let label = i == BatchSummary.bins - 1 ? "\(lo)-100%" : "\(lo)-\(lo + 100 / BatchSummary.bins)%"
                let bar = String(repeating: "#", count: peak > 0 ? Int((Double(n) / Double(peak) * 30).rounded(.up)) : 0)
                out.append("  " + label.padding(toLength: 8, withPad: " ", startingAt: 0) + String(format: "%5d ", n) + bar)
            }
            out.append("pass rate per exercise:")
            let width = exercises.map(\.id.count).max() ?? 0
            for e in exercises {
                let worst = e.tests.filter { $0.failed > 0 }.max { $0.failureRate < $1.failureRate }
                out.append(
                    "  " + e.id.padding(toLength: width, withPad: " ", startingAt: 0)
                        + "  " + String(repeating: " ", count: max(0, 4 - pct(e.passRate).count)) + pct(e.passRate)
                        + "  (\(e.passed) of \(e.graded))"
                        + (worst.map { "; most failed test: \($0.name) (\(pct($0.failureRate)))" } ?? ""))
            }
            out.append("slowest:")
            for s in slowest { out.append(String(format: "  %8.0f ms  ", s.elapsedMs) + s.submission) }
        }
        if errorCount > 0 {
            out.append("errors:")
            for e in errors { out.append("  \(e.submission): \(e.error)") }
            if errorCount > errors.count { out.append("  … and \(errorCount - errors.count) more") }
        }
        // Candidates are named by their paths, which hold whatever bytes
        // their files' names do: no line may drive the terminal.
        return out.map { TerminalText.escapingControls($0) }.joined(separator: "\n") + "\n"
    }
}
