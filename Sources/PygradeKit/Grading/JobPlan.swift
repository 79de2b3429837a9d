/// What a job asks of a worker: the limits policy. Each test's CPU and
/// wall limits, the memory, output and result sizes, the wall budget, from
/// the exercise's definition and the command line's overrides (which never
/// apply to the reference); and how a worker names a prepared exercise.
/// Pure: no process.
struct JobPlan {
    let options: GradeOptions

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

    /// The wall time a submission may take over all the exercise's tests.
    func wallBudget(of exercise: Exercise) -> Double { options.wallBudget ?? exercise.limits.budgetSeconds }

    func request(
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
                resultBytes: sizes?[t.name].map { JobPlan.candidateResultLimit(referenceBytes: $0) } ?? 0)
        }
        let loadCPU = override ?? exercise.limits.timeSeconds
        let memory = (reference ? nil : options.memoryLimit) ?? exercise.limits.memoryMiB
        return JobRequest(
            exerciseKey: JobPlan.key(exercise), entry: exercise.entry, filename: filename, moduleName: moduleName,
            tests: tests, loadCPUSeconds: loadCPU, loadWallSeconds: loadCPU * 2 + 1,
            memoryBytes: UInt64(memory) << 20, outputBytes: exercise.limits.outputBytes,
            resultBytes: options.resultBytes,
            checkMutation: exercise.inputsImmutable, freshResult: exercise.freshResult, checkRules: !exercise.rules.isEmpty,
            wallBudgetSeconds: reference ? 600 : wallBudget(of: exercise))
    }

    /// The candidate's job on the visible tests alone (`visible`, from
    /// VisibleText.visibleOnly), within `budget`: what the normal run left
    /// of the exercise's wall budget. Its text is kept whole: every test's
    /// output, and the result itself, to show (no digest in its place).
    func visibleRequest(
        _ visible: Exercise, filename: String, moduleName: String, expected: ExpectedResults, of exercise: Exercise, budget: Double
    ) -> JobRequest {
        var job = request(
            visible, filename: filename, moduleName: moduleName, reference: false,
            expected: JobPlan.resultSizes(exercise, expected))
        for i in job.tests.indices {
            job.tests[i].captureOutput = true
            // The result itself, to show: no digest in its place.
            job.tests[i].digestOK = false
        }
        job.wallBudgetSeconds = budget
        job.fullText = true
        return job
    }
}
