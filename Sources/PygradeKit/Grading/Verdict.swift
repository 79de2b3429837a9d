/// Statuses and scores: every test's status and safe words from what the
/// normal run sent and the reference's results, the exercise's status by the
/// one precedence rule (`decide`), and its score. Pure: no process, no I/O.
enum Verdict {
    /// What settles an exercise's status: the first of these that holds, in
    /// this order (docs/statuses.md). `decide` is the only place that
    /// applies the order; everything that needs it asks `decide`.
    enum Cause: Equatable, Sendable {
        /// The submission does not compile: nothing ran.
        case syntaxError
        /// The entry point is not defined once the file is loaded.
        case missing
        /// The job child wrote a frame the protocol did not allow (or played
        /// a game with the result channel): nothing it claimed counts.
        case forged
        /// The submission broke one of the exercise's rules.
        case ruleViolation
        /// The first test, in declared order, that did not pass, and how.
        case failedTest(index: Int, TestStatus)
        case passed

        var status: ExerciseStatus {
            switch self {
            case .syntaxError: .syntaxError
            case .missing: .missing
            case .forged: .sandboxViolation
            case .ruleViolation: .ruleViolation
            case .failedTest(_, let status): ExerciseStatus(status)
            case .passed: .passed
            }
        }
    }

    /// Status precedence, written down once: syntax error, missing, a forged
    /// frame, a broken rule, then the first test (in declared order) that
    /// did not pass, whatever its status, else passed. `tests`: every test's
    /// status, in the exercise's order.
    static func decide(syntaxError: Bool, missing: Bool, forged: Bool, ruleBroken: Bool, tests: [TestStatus]) -> Cause {
        if syntaxError { return .syntaxError }
        if missing { return .missing }
        if forged { return .forged }
        if ruleBroken { return .ruleViolation }
        if let i = tests.firstIndex(where: { $0 != .passed }) { return .failedTest(index: i, tests[i]) }
        return .passed
    }

    // MARK: Scores

    /// A test's score: its share of the points when it passed.
    static func score(of test: TestCase, in exercise: Exercise, status: TestStatus) -> Double {
        status == .passed ? Report.round(exercise.maxScore(of: test)) : 0
    }

    /// The exercise's score, not rounded: its points in proportion to the
    /// weight of the tests that passed; none without a test that ran, or
    /// when a frame was forged; less the heaviest penalty of the rules
    /// broken (`penalties`, fractions of the points), never below 0.
    static func score(of exercise: Exercise, tests: [TestStatus], cause: Cause, penalties: [Double]) -> Double {
        // From weights, not from the rounded per-test scores: 20 points over
        // 17 tests must still add up to 20.
        let passedWeight = zip(exercise.tests, tests).reduce(0) { $0 + ($1.1 == .passed ? $1.0.weight : 0) }
        let score = exercise.totalWeight > 0 ? exercise.points * passedWeight / exercise.totalWeight : 0
        switch cause {
        case .syntaxError, .missing, .forged: return 0
        case .ruleViolation: return Swift.max(0, score - (penalties.max() ?? 1) * exercise.points)
        case .failedTest, .passed: return score
        }
    }

    // MARK: Test statuses

    /// Every test's status and safe words: the comparisons, done once even
    /// when the report is built again with the visible-only run's text.
    static func verdicts(exercise: Exercise, response: JobResponse, blobs: [[UInt8]], expected: ExpectedResults) -> [(TestStatus, String)] {
        guard response.compile != .syntaxError && response.load != .missing else { return [] }
        return exercise.tests.enumerated().map { i, test in
            verdict(
                test: test, index: i, exercise: exercise, response: response, outcome: response.tests.first { $0.index == i }, blobs: blobs,
                expected: expected)
        }
    }

    static func verdict(
        test: TestCase, index: Int, exercise: Exercise, response: JobResponse, outcome: TestOutcome?,
        blobs: [[UInt8]], expected: ExpectedResults
    ) -> (TestStatus, String) {
        // Every test's text here is treated as a hidden one's, visible tests'
        // too: the child that produced it held hidden inputs (CandidateText).
        guard let outcome else {
            if response.load == .failed {
                let status = response.loadStatus ?? .runtimeError
                let detail = FailureWords.safeLoad(response)
                return (
                    status, "while loading the submission: \(describe(status, detail: detail, visible: false, ending: response.loadEnding))"
                )
            }
            return (.runtimeError, "the test did not run")
        }
        switch outcome.kind {
        case .error:
            let status = outcome.status ?? .runtimeError
            return (status, describe(status, detail: FailureWords.safe(outcome), visible: false, ending: outcome.ending))
        case .notPlain:
            guard let type = CandidateText.safeTypeName(outcome.detail) else {
                return (.wrongAnswer, "returned an object that is not plain data")
            }
            return (.wrongAnswer, "returned an object of type \(type), which is not plain data")
        case .tooLarge:
            return (.wrongAnswer, "the result is too large")
        case .aliased:
            return (.wrongAnswer, "returned its input, or a part of it, instead of a new object")
        case .value, .digest:
            if outcome.inputMutated { return (.wrongAnswer, "modified its input") }
            let checker = test.checker ?? exercise.checker
            let checked: CheckVerdict
            if outcome.kind == .digest {
                checked = Checker.check(digest: outcome.digest, expected: expected.digests[index])
            } else {
                guard let b = outcome.blob, b < blobs.count else { return (.wrongAnswer, "no result arrived") }
                checked = Checker.check(
                    checker, encoded: blobs[b], expected: expected.values[index], expectedElements: expected.elementDigests[index])
            }
            switch checked {
            case .pass: return (.passed, "")
            case .fail(let why): return (.wrongAnswer, why)
            }
        }
    }

    /// A failure in words. Exception messages can quote the input
    /// (`KeyError: 'secret'`), so a hidden test shows only the exception type.
    static func describe(_ status: TestStatus, detail: String?, visible: Bool, ending: Ending? = nil) -> String {
        let detail = detail.map { visible || !$0.hasPrefix("raised ") ? $0 : String($0.prefix { $0 != ":" }) }
        switch status {
        case .timeLimitExceeded: return "time limit exceeded" + (detail.map { " (\($0))" } ?? "")
        case .memoryLimitExceeded: return "memory limit exceeded" + (detail.map { " (\($0))" } ?? "")
        case .outputLimitExceeded:
            return FailureWords.isFlood(ending) ? "sent more result data than allowed" : "printed more output than allowed"
        case .sandboxViolation: return "stopped for a forbidden action" + (detail.map { " (\($0))" } ?? "")
        case .runtimeError: return detail ?? "failed"
        case .wrongAnswer: return "wrong result"
        case .passed: return "passed"
        }
    }
}
