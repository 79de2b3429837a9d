/// Builds an exercise's report from the verdicts and what the runs sent:
/// each test's row, the rules broken, the exercise's status (by Verdict's
/// precedence), its message and its score. Pure: no process, no I/O.
///
/// `response` (the normal run, all tests) decides every status, score,
/// CPU time and peak (a visible test's own, the exercise's totals:
/// `Figures`); no text of it is shown beyond what CandidateText
/// rebuilds from a fixed vocabulary. `visibleRun` (the visible tests
/// alone, in a worker that never held a hidden input; its test indices
/// count visible tests only) supplies the text of visible tests: output,
/// exception and load messages.
enum ExerciseReportBuilder {
    /// The report straight from a run's raw outcomes: the verdicts first,
    /// then the report (Grader.grade computes the verdicts once and builds
    /// the report again when the visible-only run's text arrives).
    static func build(
        exercise: Exercise, response: JobResponse, blobs: [[UInt8]], expected: ExpectedResults, visibleRun: JobResponse? = nil,
        visibleBlobs: [[UInt8]] = [], arguments: [[UInt8]]? = nil, filename: String? = nil
    ) -> ExerciseReport {
        build(
            exercise: exercise, response: response,
            verdicts: Verdict.verdicts(exercise: exercise, response: response, blobs: blobs, expected: expected),
            visibleRun: visibleRun, visibleBlobs: visibleBlobs, arguments: arguments, expected: expected, filename: filename)
    }

    /// `visibleBlobs`: the visible-only run's results; `arguments`: per
    /// visible test, the start of its (args, kwargs) stream from that
    /// worker's zygote (`VisibleText.arguments`); `expected`: the reference's
    /// results. With them, a failing visible test shows its call, the
    /// expected value and what it returned (`VisibleFailure`).
    /// `filename`: the graded file, as a `missing` message names it.
    static func build(
        exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)], visibleRun: JobResponse?,
        visibleBlobs: [[UInt8]] = [], arguments: [[UInt8]]? = nil, expected: ExpectedResults? = nil, filename: String? = nil
    ) -> ExerciseReport {
        var out = ExerciseReport(id: exercise.id, status: .passed, score: 0, maxScore: exercise.points, message: "", tests: [], rules: [])
        out.cpuMs = Report.round(Figures.cpuMs(response))
        out.peakKiB = Figures.peakKiB(response)
        let hiddenFigures = Figures.hidden(response, exercise: exercise)
        let rules = ruleReports(exercise: exercise, response: response)
        let cause = Verdict.decide(
            syntaxError: response.compile == .syntaxError, missing: response.load == .missing, forged: response.forged,
            ruleBroken: !rules.isEmpty, tests: verdicts.map(\.0))
        out.status = cause.status
        switch cause {
        case .syntaxError:
            // The compiler's words, about the source alone: the worker takes
            // a syntax-error frame only as a child's first, before any
            // candidate code can write one.
            out.message = compileFailure(line: response.syntaxLine, message: response.syntaxMessage)
            return out
        case .missing:
            // What the file defines instead (misspelt, or another name):
            // names the compile child read, never a job child's words.
            out.message =
                "`\(exercise.entry)` \(CandidateText.safeMissing(response.loadMessage)); "
                + "\(filename ?? "the submission") defines \(CandidateText.definedNames(response.definedNames))"
            return out
        case .forged, .ruleViolation, .failedTest, .passed:
            break
        }
        out.rules = rules
        var visibleIndex: [Int: Int] = [:]
        for i in exercise.tests.indices where exercise.tests[i].visibility == .visible { visibleIndex[i] = visibleIndex.count }

        for (i, test) in exercise.tests.enumerated() {
            let max = exercise.maxScore(of: test)
            let outcome = response.tests.first { $0.index == i }
            let (status, safeWhy) = verdicts[i]
            // What the normal run's child printed is never used, not even a
            // visible test's: it holds every test's inputs, hidden ones too.
            var output: String?
            var outputTruncated: Bool?
            var why = safeWhy
            if test.visibility == .visible, let v = visibleRun, let j = visibleIndex[i] {
                let again = v.tests.first { $0.index == j }
                if let again, let text = again.output, !text.isEmpty {
                    output = text
                    if again.outputBytes > TestOutcome.keptOutputBytes { outputTruncated = true }
                }
                if status != .passed {
                    why = VisibleText.words(status: status, why: safeWhy, normal: outcome, response: response, again: again, run: v)
                }
            }
            let shownFigures = Figures.shown(for: test.visibility)
            let figures = shownFigures ? (cpuMs: outcome?.cpuMs ?? 0, peakKiB: outcome?.peakKiB ?? 0) : hiddenFigures
            var shown = VisibleFailure()
            if test.visibility == .visible, status != .passed, outcome != nil, !response.forged, let j = visibleIndex[i] {
                shown = VisibleFailure(
                    test: test, exercise: exercise, status: status,
                    expected: expected.flatMap { i < $0.values.count ? $0.values[i] : nil },
                    arguments: arguments.flatMap { j < $0.count ? $0[j] : nil },
                    again: visibleRun?.tests.first { $0.index == j }, blobs: visibleBlobs)
                if shown.passedAlone { why += " (run again with the visible tests alone: passed)" }
            }
            out.tests.append(
                TestReport(
                    name: test.name, status: status, visibility: test.visibility,
                    score: Verdict.score(of: test, in: exercise, status: status), maxScore: Report.round(max),
                    cpuMs: Report.round(figures.cpuMs), peakKiB: figures.peakKiB,
                    hint: test.hint,
                    output: output, outputTruncated: outputTruncated,
                    message: status == .passed ? nil : why, call: shown.call, expected: shown.expected, got: shown.got))
            if case .failedTest(let first, _) = cause, first == i {
                let label = test.visibility == .visible ? "test '\(test.name)'" : "hidden test '\(test.name)' [\(test.hint)]"
                out.message = "\(label): \(why)"
            }
        }
        let penalties = out.rules.compactMap { r in exercise.rules.first { $0.id == r.id }?.penalty }
        out.score = Report.round(Verdict.score(of: exercise, tests: verdicts.map(\.0), cause: cause, penalties: penalties))
        switch cause {
        case .forged:
            out.message = "stopped for a forbidden action (wrote forged data into the result channel)"
        case .ruleViolation:
            out.message = "\(out.rules[0].place): \(out.rules[0].message)"
        case .passed:
            out.message = "all \(exercise.tests.count) tests passed"
        case .syntaxError, .missing, .failedTest:
            break
        }
        return out
    }

    /// The rules the submission broke, each once, in the order of their
    /// first hits. Only the exercise's own rules: an id the rule checker
    /// cannot have sent came from a forged frame. Line 0: broken at run time
    /// (the worker sends those after the static ones).
    static func ruleReports(exercise: Exercise, response: JobResponse) -> [RuleReport] {
        var seenRules = Set<String>()
        var rules: [RuleReport] = []
        for hit in response.ruleHits where seenRules.insert(hit.id).inserted {
            guard let rule = exercise.rules.first(where: { $0.id == hit.id }) else { continue }
            rules.append(
                RuleReport(id: hit.id, line: hit.line, message: rule.message, penalty: rule.penalty, atRunTime: hit.line > 0 ? nil : true))
        }
        return rules
    }

    /// A compiler that runs out of stack or memory on deeply nested source
    /// reports no line and no text worth showing: say what happened instead.
    static func compileFailure(line: Int?, message: String?) -> String {
        let message = message ?? "syntax error"
        if ["MemoryError", "RecursionError"].contains(where: { message.hasPrefix($0) }) {
            return "the submission does not compile: it is too deeply nested for the compiler (\(message.prefix { $0 != ":" }))"
        }
        return "the submission does not compile: line \(line ?? 0): \(message)"
    }
}
