import Foundation

public struct GradeOptions: Sendable {
    /// Overrides every test's CPU limit (seconds).
    public var timeLimit: Double?
    /// Overrides the exercise's memory limit (MiB).
    public var memoryLimit: Int?
    /// Overrides the exercise's wall budget (seconds for all its tests).
    public var wallBudget: Double?
    /// Grade only these exercises (all when empty; with an assignment, only
    /// some of its own, in its order).
    public var exerciseIDs: [String] = []
    /// Which exercises count, in which order, with which points and limits
    /// (nil: every exercise of the catalog, under its own definition). The
    /// flags above still win over its limits.
    public var assignment: Assignment?
    public var maxSubmissionBytes = Submission.defaultMaxBytes
    /// The largest result a test may return, encoded.
    public var resultBytes = JobRequest.maxResultBytes
    /// `strict` refuses to grade when a sandbox layer is missing.
    public var sandbox = SandboxPolicy.default

    public init() {}
}

/// Why grading stopped short of a report: not the candidate's fault.
public struct GradeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Set when one exercise is at fault, not the grader: the others can
    /// still be graded.
    public var broken: BrokenExercise?
    public init(_ description: String, broken: BrokenExercise? = nil) {
        self.description = description
        self.broken = broken
    }
    init(_ broken: BrokenExercise) { self.init(broken.problem, broken: broken) }
}

/// Where one exercise's time went, for `--timings` and the benchmarks.
public struct ExerciseTiming: Sendable {
    public var exercise: String
    public var roundTripMs: Double
    public var worker: JobTiming
    public var compareMs: Double
    public var candidateCPUms: Double
    /// Whether the visible tests were run again, alone, for their text
    /// (output, exception messages), and what that round trip took (without
    /// the visible worker's start-up or building its inputs).
    public var visibleRun = false
    public var visibleRunMs: Double = 0
    /// The visible-only run as its worker saw it.
    public var visibleWorker = JobTiming()
}

/// Grades submissions: runs jobs in a worker, compares against the expected
/// results and builds reports. One grader drives one worker from one thread,
/// and, when a report needs text the candidate wrote, a second one that only
/// ever sees visible tests.
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
    let store: ExpectedStore
    private var worker: WorkerClient?
    /// Started on first need; only ever sent visible-only exercises.
    private var visibleWorker: WorkerClient?
    private var visibleExercises: [String: Exercise] = [:]
    private var expectedByHash: [String: ExpectedResults] = [:]
    public private(set) var lastTimings: [ExerciseTiming] = []
    public var workerSpawnMs: Double { worker?.spawnMs ?? 0 }
    /// The visible-only worker's start-up (0 while none was needed).
    public var visibleWorkerSpawnMs: Double { visibleWorker?.spawnMs ?? 0 }
    /// What `grader.sandbox` says: every layer of the worker that graded,
    /// the missing ones as `missing:<name>`.
    public var sandboxLayers: [String] { worker?.sandbox.map(\.reportName) ?? [] }
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
        self.store = store
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

    /// The hash of every graded exercise: which hidden tests produced a report.
    public var exercisesSHA256: String {
        var h = Digest.Hasher()
        for e in exercises { h.update("\(e.id)=\(e.hash)\n") }
        return Digest.hex(h.finalize())
    }

    private func client() throws(GradeError) -> WorkerClient {
        if let worker { return worker }
        let w = try startWorker()
        worker = w
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

    private func visibleClient() throws(GradeError) -> WorkerClient {
        if let visibleWorker { return visibleWorker }
        let w = try startWorker()
        visibleWorker = w
        return w
    }

    /// A new worker, refused when it lacks a layer the sandbox policy needs.
    private func startWorker() throws(GradeError) -> WorkerClient {
        let w: WorkerClient
        do {
            w = try WorkerClient()
        } catch {
            throw GradeError("cannot start a worker: \(error)")
        }
        if let refusal = options.sandbox.refusal(w.sandbox) { throw GradeError(refusal) }
        return w
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

    // MARK: Expected results

    /// The reference's results: from memory, from the disk cache, or computed
    /// now through the sandbox (and then cached).
    public func expected(for exercise: Exercise) throws(GradeError) -> ExpectedResults {
        try ensureNotBroken(exercise)
        if let e = expectedByHash[exercise.hash] { return e }
        if let e = store.load(exercise) {
            expectedByHash[exercise.hash] = e
            return e
        }
        let e = try computeExpected(for: exercise)
        try? store.save(exercise, e)
        expectedByHash[exercise.hash] = e
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
        let file = exercise.folder.appendingPathComponent("reference.py").path
        func failing(_ problem: String) -> GradeError {
            let b = BrokenExercise(id: exercise.id, stage: .reference, problem: "\(file): \(problem)", place: file)
            broken[exercise.id] = b
            return GradeError(b)
        }
        let (response, blobs) = try run(
            exercise, filename: "reference.py", moduleName: "reference", source: exercise.referenceSource, reference: true)
        if response.compile == .syntaxError {
            throw failing("the reference does not compile: line \(response.syntaxLine ?? 0): \(response.syntaxMessage ?? "")")
        }
        if !response.ruleHits.isEmpty {
            let hit = response.ruleHits[0]
            throw failing("the reference breaks rule '\(hit.id)' \(hit.line > 0 ? "on line \(hit.line)" : "at run time")")
        }
        switch response.load {
        case .ok: break
        case .missing: throw failing("the reference does not define \(exercise.entry)")
        default: throw failing("the reference fails to load: \(FailureWords.fullLoad(response) ?? "")")
        }
        var encoded: [[UInt8]] = []
        var cpu: [Double] = []
        for (i, test) in exercise.tests.enumerated() {
            guard i < response.tests.count, response.tests[i].kind == .value, let b = response.tests[i].blob, b < blobs.count else {
                let o = i < response.tests.count ? response.tests[i] : nil
                let why =
                    o.map { "\($0.status?.rawValue ?? $0.kind.rawValue)\(FailureWords.full($0).map { ": \($0)" } ?? "")" } ?? "no result"
                throw failing("the reference fails test '\(test.name)': \(why)")
            }
            if response.tests[i].inputMutated {
                throw failing("the reference modifies the input of test '\(test.name)'")
            }
            encoded.append(blobs[b])
            cpu.append(response.tests[i].cpuMs)
        }
        do {
            return try ExpectedResults(encoded: encoded, referenceCPUms: cpu)
        } catch {
            throw failing("the reference returned undecodable data: \(error)")
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
        worker.prepare(exercises.filter { broken[$0.id] == nil && submission.source(for: $0) != nil }.map { (Grader.key($0), $0) })
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
            assignment: options.assignment?.info)
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
        let roundTrip = start.millisecondsElapsed - (worker?.lastPrepareMs ?? 0)
        let compareStart = Clock.now
        let verdicts = Grader.verdicts(exercise: exercise, response: response, blobs: blobs, expected: expected)
        var report = Grader.report(
            exercise: exercise, response: response, verdicts: verdicts, visibleRun: nil, expected: expected, filename: source.filename)
        let compareMs = compareStart.millisecondsElapsed
        var visibleRunMs = 0.0
        var ranVisible = false
        var visibleTiming = JobTiming()
        var visibleRun: (JobResponse, [[UInt8]])?
        // The visible run shares the exercise's wall budget: what the normal
        // run left of it (a submission that used it all gets no second run).
        let budgetLeft = (options.wallBudget ?? exercise.limits.budgetSeconds) - roundTrip / 1000
        if Grader.needsVisibleRun(exercise: exercise, response: response, verdicts: verdicts) && budgetLeft >= 0.5 {
            let start = Clock.now
            let spawnedBefore = visibleWorker != nil
            // Not the candidate's verdict: if this run cannot be had, the
            // report keeps its statuses and only lacks the text.
            if let visible = try? runVisible(exercise, source: source, budget: budgetLeft) {
                visibleTiming = visible.0.timing
                visibleRun = visible
            }
            ranVisible = true
            visibleRunMs = max(
                0, start.millisecondsElapsed - (visibleWorker?.lastPrepareMs ?? 0) - (spawnedBefore ? 0 : visibleWorkerSpawnMs))
        }
        // A failing visible test shows its call: its arguments as the
        // visible-only worker's zygote saw them, before any candidate code.
        let arguments =
            Grader.visibleTestFailed(exercise: exercise, response: response, verdicts: verdicts) ? visibleArguments(exercise) : nil
        if visibleRun != nil || arguments != nil {
            report = Grader.report(
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
                candidateCPUms: response.tests.reduce(0) { $0 + $1.cpuMs },
                visibleRun: ranVisible, visibleRunMs: visibleRunMs,
                visibleWorker: visibleTiming))
        return report
    }

    /// The submission's exercise again, on its visible tests only, in the
    /// visible worker. Expected values play no part: its text and its
    /// results are shown, never judged.
    func runVisible(_ exercise: Exercise, source: (filename: String, moduleName: String, bytes: [UInt8]), budget: Double)
        throws(GradeError) -> (JobResponse, [[UInt8]])
    {
        let visible = visibleExercise(exercise)
        var job = jobRequest(
            visible, filename: source.filename, moduleName: source.moduleName, reference: false,
            expected: expectedByHash[exercise.hash].map { Grader.resultSizes(exercise, $0) })
        for i in job.tests.indices {
            job.tests[i].captureOutput = true
            // The result itself, to show: no digest in its place.
            job.tests[i].digestOK = false
        }
        job.wallBudgetSeconds = budget
        job.fullText = true
        let result: (JobResponse, [[UInt8]])
        do {
            result = try visibleClient().run(job, source: source.bytes, exercise: visible)
        } catch let e as ProtocolError {
            throw GradeError(e.description)
        } catch {
            throw GradeError("\(error)")
        }
        if let failure = result.0.internalError { throw GradeError("worker: \(failure)") }
        return result
    }

    /// The exercise stripped of its hidden tests, made once.
    private func visibleExercise(_ exercise: Exercise) -> Exercise {
        let cached = visibleExercises[exercise.id].flatMap { $0.hash == exercise.hash + "+visible-only" ? $0 : nil }
        let visible = cached ?? Grader.visibleOnly(exercise)
        visibleExercises[exercise.id] = visible
        return visible
    }

    /// Per visible test, the start of its (args, kwargs) value stream, from
    /// the visible-only worker's zygote (prepared now if need be): built
    /// there from the visible tests alone, before any candidate code ran,
    /// so nothing a candidate does shows in it. Nil when that worker cannot
    /// be had (the report then shows no call).
    func visibleArguments(_ exercise: Exercise) -> [[UInt8]]? {
        let visible = visibleExercise(exercise)
        guard let worker = try? visibleClient() else { return nil }
        let key = Grader.key(visible)
        if worker.argumentPreviews[key] == nil { worker.prepare([(key, visible)]) }
        return worker.argumentPreviews[key]
    }

    /// Whether a visible test failed once the submission loaded: its call
    /// and expected value are worth showing.
    static func visibleTestFailed(exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)]) -> Bool {
        guard response.compile != .syntaxError, response.load == .ok, !response.forged else { return false }
        return exercise.tests.indices.contains { i in
            exercise.tests[i].visibility == .visible && i < verdicts.count && verdicts[i].0 != .passed
                && response.tests.contains { $0.index == i }
        }
    }

    /// Whether the normal run left out text that the visible-only run can
    /// supply: a visible test printed something, raised with a message,
    /// returned a non-builtin type or returned a wrong result (to show);
    /// or loading failed with a message.
    static func needsVisibleRun(exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)] = []) -> Bool {
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

    func run(
        _ exercise: Exercise, filename: String, moduleName: String, source: [UInt8], reference: Bool, expected: ExpectedResults? = nil
    ) throws(GradeError) -> (JobResponse, [[UInt8]]) {
        let job = jobRequest(
            exercise, filename: filename, moduleName: moduleName, reference: reference,
            expected: expected.map { Grader.resultSizes(exercise, $0) })
        let result: (JobResponse, [[UInt8]])
        do {
            result = try client().run(job, source: source, exercise: exercise)
        } catch let e as ProtocolError where e.exerciseBroken {
            let b = BrokenExercise(id: exercise.id, stage: .inputs, problem: e.description, place: exercise.definitionFile.path)
            broken[exercise.id] = b
            throw GradeError(b)
        } catch let e as ProtocolError {
            throw GradeError(e.description)
        } catch {
            throw GradeError("\(error)")
        }
        if let failure = result.0.internalError { throw GradeError("worker: \(failure)") }
        return result
    }

    /// How a worker names a prepared exercise (its inputs at this version).
    static func key(_ exercise: Exercise) -> String { "\(exercise.id)@\(exercise.hash)" }

    /// Per test name, the reference's result size (encoded bytes).
    static func resultSizes(_ exercise: Exercise, _ expected: ExpectedResults) -> [String: Int] {
        var sizes: [String: Int] = [:]
        for (t, e) in zip(exercise.tests, expected.encoded) { sizes[t.name] = e.count }
        return sizes
    }

    /// The largest result a candidate may return for a test whose reference
    /// result is `bytes` long: no right answer is much larger (16 times leaves
    /// room for floats where small ints are expected), and what a
    /// candidate sends is what the orchestrator must hold.
    static func candidateResultLimit(referenceBytes bytes: Int) -> Int { max(1 << 20, 16 * bytes) }

    func jobRequest(
        _ exercise: Exercise, filename: String, moduleName: String, reference: Bool, expected sizes: [String: Int]? = nil
    ) -> JobRequest {
        // The reference always runs under the exercise's own limits: expected
        // results must not depend on a command-line override.
        let override = reference ? nil : options.timeLimit
        let tests = exercise.tests.map { t in
            let cpu = override ?? t.timeSeconds ?? exercise.limits.timeSeconds
            return JobRequest.Test(
                cpuSeconds: cpu, wallSeconds: cpu * 2 + 1,
                digestOK: !reference && (t.checker ?? exercise.checker) == .exact,
                captureOutput: t.visibility == .visible,
                resultBytes: sizes?[t.name].map { Grader.candidateResultLimit(referenceBytes: $0) } ?? 0)
        }
        let loadCPU = override ?? exercise.limits.timeSeconds
        let memory = (reference ? nil : options.memoryLimit) ?? exercise.limits.memoryMiB
        return JobRequest(
            exerciseKey: Grader.key(exercise), entry: exercise.entry, filename: filename, moduleName: moduleName,
            tests: tests, loadCPUSeconds: loadCPU, loadWallSeconds: loadCPU * 2 + 1,
            memoryBytes: UInt64(memory) << 20, outputBytes: exercise.limits.outputBytes,
            resultBytes: options.resultBytes,
            checkMutation: exercise.inputsImmutable, freshResult: exercise.freshResult, checkRules: !exercise.rules.isEmpty,
            wallBudgetSeconds: reference ? 600 : options.wallBudget ?? exercise.limits.budgetSeconds)
    }

    // MARK: Verdicts (pure)

    /// Turns a worker's raw outcomes into the exercise's report, applying the
    /// status precedence (README "Statuses"). Pure: no process, no I/O.
    ///
    /// `response` (the normal run, all tests) decides every status, score,
    /// CPU time and peak; no text of it is shown beyond what CandidateText
    /// rebuilds from a fixed vocabulary. `visibleRun` (the visible tests
    /// alone, in a worker that never held a hidden input; its test indices
    /// count visible tests only) supplies the text of visible tests: output,
    /// exception and load messages.
    public static func report(
        exercise: Exercise, response: JobResponse, blobs: [[UInt8]], expected: ExpectedResults, visibleRun: JobResponse? = nil,
        visibleBlobs: [[UInt8]] = [], arguments: [[UInt8]]? = nil, filename: String? = nil
    ) -> ExerciseReport {
        report(
            exercise: exercise, response: response,
            verdicts: verdicts(exercise: exercise, response: response, blobs: blobs, expected: expected),
            visibleRun: visibleRun, visibleBlobs: visibleBlobs, arguments: arguments, expected: expected, filename: filename)
    }

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

    /// `visibleBlobs`: the visible-only run's results; `arguments`: per
    /// visible test, the start of its (args, kwargs) stream from that
    /// worker's zygote (`visibleArguments`); `expected`: the reference's
    /// results. With them, a failing visible test shows its call, the
    /// expected value and what it returned (`VisibleFailure`).
    /// `filename`: the graded file, as a `missing` message names it.
    static func report(
        exercise: Exercise, response: JobResponse, verdicts: [(TestStatus, String)], visibleRun: JobResponse?,
        visibleBlobs: [[UInt8]] = [], arguments: [[UInt8]]? = nil, expected: ExpectedResults? = nil, filename: String? = nil
    ) -> ExerciseReport {
        var out = ExerciseReport(id: exercise.id, status: .passed, score: 0, maxScore: exercise.points, message: "", tests: [], rules: [])
        if response.compile == .syntaxError {
            out.status = .syntaxError
            // The compiler's words, about the source alone: the worker takes
            // a syntax-error frame only as a child's first, before any
            // candidate code can write one.
            out.message = compileFailure(line: response.syntaxLine, message: response.syntaxMessage)
            return out
        }
        if response.load == .missing {
            out.status = .missing
            // What the file defines instead (misspelt, or another name):
            // names the compile child read, never a job child's words.
            out.message =
                "`\(exercise.entry)` \(CandidateText.safeMissing(response.loadMessage)); "
                + "\(filename ?? "the submission") defines \(CandidateText.definedNames(response.definedNames))"
            return out
        }
        var seenRules = Set<String>()
        // Only the exercise's own rules: an id the rule checker cannot have
        // sent came from a forged frame. Line 0: broken at run time (the
        // worker sends those after the static ones).
        for hit in response.ruleHits where seenRules.insert(hit.id).inserted {
            guard let rule = exercise.rules.first(where: { $0.id == hit.id }) else { continue }
            out.rules.append(
                RuleReport(id: hit.id, line: hit.line, message: rule.message, penalty: rule.penalty, atRunTime: hit.line > 0 ? nil : true))
        }
        var visibleIndex: [Int: Int] = [:]
        for i in exercise.tests.indices where exercise.tests[i].visibility == .visible { visibleIndex[i] = visibleIndex.count }

        var firstFailure: (TestStatus, String)?
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
                    why = visibleWords(status: status, why: safeWhy, normal: outcome, response: response, again: again, run: v)
                }
            }
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
                    score: status == .passed ? Report.round(max) : 0, maxScore: Report.round(max),
                    cpuMs: Report.round(outcome?.cpuMs ?? 0), peakKiB: outcome?.peakKiB ?? 0, hint: test.hint,
                    output: output, outputTruncated: outputTruncated,
                    message: status == .passed ? nil : why, call: shown.call, expected: shown.expected, got: shown.got))
            if status != .passed && firstFailure == nil {
                let label = test.visibility == .visible ? "test '\(test.name)'" : "hidden test '\(test.name)' [\(test.hint)]"
                firstFailure = (status, "\(label): \(why)")
            }
        }
        // From weights, not from the rounded per-test scores: 20 points over
        // 17 tests must still add up to 20.
        let passedWeight = zip(exercise.tests, out.tests).reduce(0) { $0 + ($1.1.status == .passed ? $1.0.weight : 0) }
        var score = exercise.totalWeight > 0 ? exercise.points * passedWeight / exercise.totalWeight : 0
        if response.forged {
            // A frame the protocol did not allow (or a game with the result
            // channel): nothing this child claimed counts.
            score = 0
            out.status = .sandboxViolation
            out.message = "stopped for a forbidden action (wrote forged data into the result channel)"
        } else if !out.rules.isEmpty {
            let penalty = out.rules.compactMap { r in exercise.rules.first { $0.id == r.id }?.penalty }.max() ?? 1
            score = Swift.max(0, score - penalty * exercise.points)
            out.status = .ruleViolation
            out.message = "\(out.rules[0].place): \(out.rules[0].message)"
        } else if let (status, message) = firstFailure {
            out.status = ExerciseStatus(status)
            out.message = message
        } else {
            out.message = "all \(exercise.tests.count) tests passed"
        }
        out.score = Report.round(score)
        return out
    }

    /// A failing visible test's words from the visible-only run. When it
    /// ended the same way as in the normal run, its text replaces the normal
    /// run's safe one; when it did not (the code is not deterministic), the
    /// normal run's status and words stay and its text follows. When that
    /// run has no text for the test, the normal run's safe words stay.
    static func visibleWords(
        status: TestStatus, why: String, normal: TestOutcome?, response: JobResponse, again: TestOutcome?, run v: JobResponse
    ) -> String {
        var same = false
        let text: (TestStatus, String)
        if let again, again.kind == .error {
            let s = again.status ?? .runtimeError
            text = (s, describe(s, detail: FailureWords.full(again), visible: true, ending: again.ending))
            same = normal?.kind == .error && s == status
        } else if let again, again.kind == .notPlain {
            text = (.wrongAnswer, "returned an object of type \(again.detail ?? "unknown"), which is not plain data")
            same = normal?.kind == .notPlain
        } else if again == nil, v.load == .failed {
            let s = v.loadStatus ?? .runtimeError
            text = (
                s, "while loading the submission: \(describe(s, detail: FailureWords.fullLoad(v), visible: true, ending: v.loadEnding))"
            )
            same = normal == nil && response.load == .failed && s == status
        } else {
            return why
        }
        if same { return text.1 }
        return "\(why) (run again with the visible tests alone: \(text.0.rawValue), \(text.1))"
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
                return (.wrongAnswer, "returned an object of a type that is not a builtin one, which is not plain data")
            }
            return (.wrongAnswer, "returned an object of type \(type), which is not plain data")
        case .tooLarge:
            return (.wrongAnswer, "the result is too large")
        case .aliased:
            return (.wrongAnswer, "returned its argument itself instead of a new object")
        case .value, .digest:
            if outcome.inputMutated { return (.wrongAnswer, "modified its input") }
            let checker = test.checker ?? exercise.checker
            if outcome.kind == .digest {
                let ok = outcome.digest != nil && expected.digests[index].map(Digest.hex) == outcome.digest
                return ok ? (.passed, "") : (.wrongAnswer, "wrong result")
            }
            guard let b = outcome.blob, b < blobs.count else { return (.wrongAnswer, "no result arrived") }
            if checker == .unorderedUnique, let want = expected.elementDigests[index], let have = Digest.elements(blobs[b]) {
                switch Checker.unorderedUnique(got: have, expected: want) {
                case .pass: return (.passed, "")
                case .fail(let why): return (.wrongAnswer, why)
                }
            }
            let got: PyValue
            do { got = try ValueCodec.decode(blobs[b]) } catch { return (.wrongAnswer, "the result is \(error)") }
            switch Checker.check(checker, got: got, expected: expected.values[index]) {
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
