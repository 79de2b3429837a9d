/// Grades submissions: the orchestration, one exercise after another. For
/// each, the reference's results (ReferenceResults), one job in the normal
/// worker (JobPlan, GradingWorkers), every test's verdict (Verdict), the
/// report (ExerciseReportBuilder), and, when the report needs text the
/// candidate wrote, a second run of the visible tests alone (VisibleText).
/// One grader drives its workers from one thread.
///
/// Statuses, scores, CPU and memory come from the normal run over all tests.
/// Text the candidate controls (what a visible test printed, an exception's
/// message, a load failure's message) comes only from a
/// second run of the visible tests alone, in a worker that has only ever been
/// sent exercises stripped of their hidden tests: the normal run's job child
/// holds every input, so anything it says could carry a hidden one.
public final class Grader {
    public let catalog: ExerciseCatalog
    public let options: GradeOptions
    public let exercises: [Exercise]
    private let workers: GradingWorkers
    private let plan: JobPlan
    private let references: ReferenceResults
    private let visibleText: VisibleText
    public private(set) var lastTimings: [ExerciseTiming] = []
    public var workerSpawnMs: Double { workers.normal?.spawnMs ?? 0 }
    /// The visible-only worker's start-up (0 while none was needed).
    public var visibleWorkerSpawnMs: Double { workers.visible?.spawnMs ?? 0 }
    /// What `grader.sandbox` says: every layer of the worker that graded,
    /// the missing ones as `missing:<name>`.
    public var sandboxLayers: [String] { workers.normal?.sandbox.map(\.reportName) ?? [] }
    /// Exercises found broken so far (by id): left out of every report,
    /// which names them. Their definitions are checked when the worker
    /// starts; their inputs and reference, when first needed.
    public private(set) var broken: [String: BrokenExercise] = [:]
    /// What the check of the exercises' Python found (nil until the worker
    /// has started).
    private var sourceProblems: [ExerciseSourceCheck.Problem]?

    public init(catalog: ExerciseCatalog, options: GradeOptions, store: ExpectedStore = ExpectedStore()) throws(GradeError) {
        self.catalog = catalog
        self.options = options
        workers = GradingWorkers(sandbox: options.sandbox, executable: options.workerExecutable)
        plan = JobPlan(options: options)
        references = ReferenceResults(store: store)
        visibleText = VisibleText(workers: workers, plan: plan)
        let pool = options.assignment?.exercises(in: catalog) ?? catalog.exercises
        if options.exerciseIDs.isEmpty {
            exercises = pool
            for (id, error) in catalog.broken where options.assignment?.ids.contains(id) ?? true {
                broken[id] = BrokenExercise(id: id, error)
            }
        } else {
            var picked: [Exercise] = []
            for id in options.exerciseIDs {
                // Asked for by name: its malformed definition is bad input.
                if let error = catalog.broken[id] { throw GradeError(BrokenExercise(id: id, error)) }
                guard let e = pool.first(where: { $0.id == id }) else {
                    if let a = options.assignment, catalog.exercise(id) != nil {
                        throw GradeError(
                            "--exercise \(id): not in the assignment '\(a.name)' (\(a.file): \(a.ids.joined(separator: ", ")))")
                    }
                    throw GradeError("unknown exercise '\(id)' (known: \(catalog.exercises.map(\.id).joined(separator: ", ")))")
                }
                if !picked.contains(where: { $0.id == id }) { picked.append(e) }
            }
            // An assignment's order stands: the flags only choose.
            exercises = options.assignment == nil ? picked : pool.filter { e in picked.contains { $0.id == e.id } }
        }
    }

    /// The stack a thread that grades needs: comparing, hashing and freeing
    /// a decoded result recurses, and a result may be nested
    /// `ValueCodec.maxDepth` levels deep (a candidate's choice). A 1 MiB
    /// stack crashed the service on one such result, found by the attacker.
    public static let threadStackBytes = 64 << 20

    /// The hash of every graded exercise: which hidden tests produced a report.
    public var exercisesSHA256: String { ExerciseCatalog.sha256(of: exercises) }

    // MARK: Broken exercises

    private func client() throws(GradeError) -> WorkerClient {
        if let worker = workers.normal { return worker }
        let w = try workers.startNormal()
        try checkSources(w)
        return w
    }

    /// Compiles the Python of every exercise's definition in the new worker,
    /// before anything is built from it: a malformed one is broken.
    private func checkSources(_ w: WorkerClient) throws(GradeError) {
        guard sourceProblems == nil else { return }
        let problems: [ExerciseSourceCheck.Problem]
        do { problems = try ExerciseSourceCheck.problems(in: exercises, worker: w) } catch { throw GradeError(error.description) }
        sourceProblems = problems
        for p in problems where broken[p.exercise] == nil { broken[p.exercise] = BrokenExercise(id: p.exercise, p.error) }
    }

    /// Every problem of the Python of the exercises' definitions (starts
    /// the worker to check them).
    public func definitionProblems() throws(GradeError) -> [ExerciseSourceCheck.Problem] {
        _ = try client()
        return sourceProblems ?? []
    }

    /// The exercises found broken so far, in the catalog's order: those
    /// asked for, or, when none was, every folder of the catalog.
    public var notGraded: [BrokenExercise] {
        let ids = options.exerciseIDs.isEmpty ? (exercises.map(\.id) + catalog.broken.keys).sorted() : exercises.map(\.id)
        return ids.compactMap { broken[$0] }
    }

    /// Takes an exercise as broken without finding out again (`batch`
    /// hands each thread's grader what the first one found).
    public func assumeBroken(_ b: BrokenExercise) { broken[b.id] = b }

    /// Throws when the exercise is known to be broken.
    private func ensureNotBroken(_ exercise: Exercise) throws(GradeError) {
        if let b = broken[exercise.id] { throw GradeError(b) }
    }

    // MARK: Expected results

    /// The reference's results: from memory, from the disk cache, or computed
    /// now through the sandbox (and then cached).
    public func expected(for exercise: Exercise) throws(GradeError) -> ExpectedResults {
        try ensureNotBroken(exercise)
        if let e = references.cached(exercise) { return e }
        let e = try computeExpected(for: exercise)
        references.keep(e, for: exercise)
        return e
    }

    /// Runs reference.py and insists that it returns plain data for every test.
    public func computeExpected(for exercise: Exercise) throws(GradeError) -> ExpectedResults {
        // Under the exercise's own definition, whatever an assignment says:
        // expected results must not depend on the candidates' limits.
        let exercise = catalog.exercise(exercise.id).flatMap { $0.hash == exercise.hash ? $0 : nil } ?? exercise
        // The worker first: starting it checks the definitions' Python.
        _ = try client()
        try ensureNotBroken(exercise)
        let (response, blobs) = try run(
            exercise, filename: "reference.py", moduleName: "reference", source: exercise.referenceSource, reference: true)
        do {
            return try ReferenceResults.read(exercise: exercise, response: response, blobs: blobs)
        } catch {
            if let b = error.broken { broken[b.id] = b }
            throw error
        }
    }

    // MARK: Grading

    public func grade(_ submission: Submission) throws(GradeError) -> Report {
        lastTimings = []
        // The report names the layers of the worker that grades, even when
        // nothing runs (a folder without any exercise's file).
        let worker = try client()
        // Every exercise this submission has a file for, prepared before the
        // first job: its compile then checks all their rules in one child.
        worker.prepare(exercises.filter { broken[$0.id] == nil && submission.source(for: $0) != nil }.map { (JobPlan.key($0), $0) })
        var reports: [ExerciseReport] = []
        // A broken exercise is the author's problem, not the candidate's:
        // the others are graded all the same, and the report names it.
        for exercise in exercises where broken[exercise.id] == nil {
            do {
                reports.append(try grade(submission, exercise))
            } catch let e where e.broken != nil {
                broken[exercise.id] = e.broken
            }
        }
        let notGraded = self.notGraded
        if reports.isEmpty, let first = notGraded.first { throw GradeError(first) }
        return Report(
            submission: submission.path, sha256: submission.sha256, exercises: reports,
            notGraded: notGraded.map { NotGradedExercise(id: $0.id, message: $0.reportMessage) },
            grader: GraderInfo(version: PygradeVersion.current, exercisesSHA256: exercisesSHA256, sandbox: sandboxLayers),
            assignment: options.assignment?.info, notes: Notebook.note(removed: submission.notebookRemoved).map { [$0] } ?? [])
    }

    func grade(_ submission: Submission, _ exercise: Exercise) throws(GradeError) -> ExerciseReport {
        guard let source = submission.source(for: exercise) else {
            return ExerciseReport(
                id: exercise.id, status: .missing, score: 0, maxScore: exercise.points,
                message: submission.missingFile(for: exercise), tests: [], rules: [])
        }
        let expected = try expected(for: exercise)
        let start = Clock.now
        let (response, blobs) = try run(
            exercise, filename: source.filename, moduleName: source.moduleName, source: source.bytes, reference: false,
            expected: expected)
        let roundTrip = start.millisecondsElapsed - (workers.normal?.lastPrepareMs ?? 0)
        let compareStart = Clock.now
        let verdicts = Verdict.verdicts(exercise: exercise, response: response, blobs: blobs, expected: expected)
        var report = ExerciseReportBuilder.build(
            exercise: exercise, response: response, verdicts: verdicts, visibleRun: nil, expected: expected, filename: source.filename)
        let compareMs = compareStart.millisecondsElapsed
        var visibleRunMs = 0.0
        var ranVisible = false
        var visibleTiming = JobTiming()
        var visibleRun: (JobResponse, [[UInt8]])?
        // The visible run shares the exercise's wall budget: what the normal
        // run left of it (a submission that used it all gets no second run).
        let budgetLeft = plan.wallBudget(of: exercise) - roundTrip / 1000
        if VisibleText.needsRun(exercise: exercise, response: response, verdicts: verdicts) && budgetLeft >= 0.5 {
            let start = Clock.now
            let spawnedBefore = workers.visible != nil
            // Not the candidate's verdict: if this run cannot be had, the
            // report keeps its statuses and only lacks the text.
            if let visible = try? visibleText.run(exercise, source: source, expected: expected, budget: budgetLeft) {
                visibleTiming = visible.0.timing
                visibleRun = visible
            }
            ranVisible = true
            visibleRunMs = max(
                0, start.millisecondsElapsed - (workers.visible?.lastPrepareMs ?? 0) - (spawnedBefore ? 0 : visibleWorkerSpawnMs))
        }
        // A failing visible test shows its call: its arguments as the
        // visible-only worker's zygote saw them, before any candidate code.
        let arguments =
            VisibleText.testFailed(exercise: exercise, response: response, verdicts: verdicts) ? visibleText.arguments(exercise) : nil
        if visibleRun != nil || arguments != nil {
            report = ExerciseReportBuilder.build(
                exercise: exercise, response: response, verdicts: verdicts, visibleRun: visibleRun?.0, visibleBlobs: visibleRun?.1 ?? [],
                arguments: arguments, expected: expected, filename: source.filename)
        }
        if report.status == .missing && source.bytes.allSatisfy({ [9, 10, 12, 13, 32].contains($0) }) {
            report.message = "\(source.filename) is empty, so `\(exercise.entry)` is not defined"
        }
        lastTimings.append(
            ExerciseTiming(
                exercise: exercise.id, roundTripMs: roundTrip, worker: response.timing,
                compareMs: compareMs,
                candidateCPUms: Figures.cpuMs(response), testCPUms: Figures.testCPUms(response, tests: exercise.tests.count),
                visibleRun: ranVisible, visibleRunMs: visibleRunMs,
                visibleWorker: visibleTiming))
        return report
    }

    /// One job in the normal worker; an exercise whose inputs cannot be
    /// built is broken from then on.
    func run(
        _ exercise: Exercise, filename: String, moduleName: String, source: [UInt8], reference: Bool, expected: ExpectedResults? = nil
    ) throws(GradeError) -> (JobResponse, [[UInt8]]) {
        let job = plan.request(
            exercise, filename: filename, moduleName: moduleName, reference: reference,
            expected: expected.map { JobPlan.resultSizes(exercise, $0) })
        do {
            return try GradingWorkers.run(job, source: source, exercise: exercise, in: client())
        } catch {
            if let b = error.broken { broken[b.id] = b }
            throw error
        }
    }
}
