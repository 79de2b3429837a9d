/// The visible tests' text: what they printed, an exception's or a failed
/// load's message, a failing test's call and returned value. Text the
/// candidate controls comes only from a second run of the visible tests
/// alone, in a worker that has only ever been sent exercises stripped of
/// their hidden tests: the normal run's job child holds every input, so
/// anything it says could carry a hidden one. Here: when that run is worth
/// having, the run itself, and its words merged into a failing test's.
final class VisibleText {
    private let workers: GradingWorkers
    private let plan: JobPlan
    private var visibleExercises: [String: Exercise] = [:]

    init(workers: GradingWorkers, plan: JobPlan) {
        self.workers = workers
        self.plan = plan
    }

    /// The exercise with its visible tests only, under a key of its own, so
    /// that the visible worker never receives a hidden test and never shares
    /// prepared inputs with the normal one. Generators and probes go along
    /// only when a visible test needs them.
    static func visibleOnly(_ exercise: Exercise) -> Exercise {
        var v = exercise
        v.tests = exercise.tests.filter { $0.visibility == .visible }
        v.hash = exercise.hash + "+visible-only"
        v.visibleOnly = true
        if !v.tests.contains(where: { if case .generated = $0.input { true } else { false } }) { v.generatorsSource = nil }
        if !v.tests.contains(where: { if case .probe = $0.input { true } else { false } }) { v.probesSource = nil }
        return v
    }

    /// The exercise stripped of its hidden tests, made once.
    private func visibleExercise(_ exercise: Exercise) -> Exercise {
        let cached = visibleExercises[exercise.id].flatMap { $0.hash == exercise.hash + "+visible-only" ? $0 : nil }
        let visible = cached ?? VisibleText.visibleOnly(exercise)
        visibleExercises[exercise.id] = visible
        return visible
    }

    // MARK: The visible-only run

    /// Whether the normal run left out text that the visible-only run can
    /// supply: a visible test printed something, raised with a message,
    /// returned a non-builtin type or returned a wrong result (to show);
    /// or loading failed with a message.
    static func needsRun(exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)] = []) -> Bool {
        if response.compile == .syntaxError { return false }
        let visible = Set(exercise.tests.indices.filter { exercise.tests[$0].visibility == .visible })
        guard !visible.isEmpty else { return false }
        if response.load == .failed && FailureWords.saysMore(full: FailureWords.fullLoad(response), safe: FailureWords.safeLoad(response)) {
            return true
        }
        for o in response.tests where visible.contains(o.index) {
            if o.output?.isEmpty == false { return true }
            if o.kind == .error && FailureWords.saysMore(full: FailureWords.full(o), safe: FailureWords.safe(o)) { return true }
            if o.kind == .notPlain && CandidateText.safeTypeName(o.detail) == nil { return true }
            if o.kind == .value || o.kind == .digest, o.index < verdicts.count, verdicts[o.index].0 != .passed { return true }
        }
        return false
    }

    /// The submission's exercise again, on its visible tests only, in the
    /// visible worker. Expected values play no part: its text and its
    /// results are shown, never judged (`expected` only sizes the results).
    func run(
        _ exercise: Exercise, source: (filename: String, moduleName: String, bytes: [UInt8]), expected: ExpectedResults, budget: Double
    ) throws(GradeError) -> (JobResponse, [[UInt8]]) {
        let visible = visibleExercise(exercise)
        let job = plan.visibleRequest(
            visible, filename: source.filename, moduleName: source.moduleName, expected: expected, of: exercise, budget: budget)
        return try GradingWorkers.run(job, source: source.bytes, exercise: visible, in: workers.visibleClient())
    }

    // MARK: A failing visible test's call

    /// Whether a visible test failed once the submission loaded: its call
    /// and expected value are worth showing.
    static func testFailed(exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)]) -> Bool {
        guard response.compile != .syntaxError, response.load == .ok, !response.forged else { return false }
        return exercise.tests.indices.contains { i in
            exercise.tests[i].visibility == .visible && i < verdicts.count && verdicts[i].0 != .passed
                && response.tests.contains { $0.index == i }
        }
    }

    /// Per visible test, the start of its (args, kwargs) value stream, from
    /// the visible-only worker's zygote (prepared now if need be): built
    /// there from the visible tests alone, before any candidate code ran,
    /// so nothing a candidate does shows in it. Nil when that worker cannot
    /// be had (the report then shows no call).
    func arguments(_ exercise: Exercise) -> [[UInt8]]? {
        let visible = visibleExercise(exercise)
        guard let worker = try? workers.visibleClient() else { return nil }
        let key = JobPlan.key(visible)
        if worker.argumentPreviews[key] == nil { worker.prepare([(key, visible)]) }
        return worker.argumentPreviews[key]
    }

    // MARK: Merging the words

    /// A failing visible test's words from the visible-only run. When it
    /// ended the same way as in the normal run, its text replaces the normal
    /// run's safe one; when it did not (the code is not deterministic), the
    /// normal run's status and words stay and its text follows. When that
    /// run has no text for the test, the normal run's safe words stay.
    static func words(
        status: TestStatus, why: String, normal: TestOutcome?, response: JobResponse, again: TestOutcome?, run v: JobResponse
    ) -> String {
        var same = false
        let text: (TestStatus, String)
        if let again, again.kind == .error {
            let s = again.status ?? .runtimeError
            text = (s, Verdict.describe(s, detail: FailureWords.full(again), visible: true, ending: again.ending))
            same = normal?.kind == .error && s == status
        } else if let again, again.kind == .notPlain {
            text = (.wrongAnswer, "returned an object of type \(again.detail ?? "unknown"), which is not plain data")
            same = normal?.kind == .notPlain
        } else if again == nil, v.load == .failed {
            let s = v.loadStatus ?? .runtimeError
            text = (
                s,
                "while loading the submission: \(Verdict.describe(s, detail: FailureWords.fullLoad(v), visible: true, ending: v.loadEnding))"
            )
            same = normal == nil && response.load == .failed && s == status
        } else {
            return why
        }
        if same { return text.1 }
        return "\(why) (run again with the visible tests alone: \(text.0.rawValue), \(text.1))"
    }
}
