import Foundation

public struct BatchOptions: Sendable {
    /// Threads, each driving its own worker process.
    public var jobs = ProcessInfo.processInfo.activeProcessorCount
    /// Skip candidates whose last record has the same submission, exercise
    /// and assignment hashes.
    public var resume = false
    /// Passed to every grader unchanged (limits, exercises, sandbox policy).
    public var grade = GradeOptions()

    public init() {}
}

/// How far a batch has got, for the progress display.
public struct BatchProgress: Sendable {
    public var total: Int
    /// Graded in this run, error records included.
    public var graded = 0
    /// Skipped because the results file already had them.
    public var resumed = 0
    public var failed = 0
    public var errors = 0
    public var internalErrors = 0
    public var seconds = 0.0
    public var done: Int { graded + resumed }
    /// Candidates per second in this run.
    public var rate: Double { seconds > 0 ? Double(graded) / seconds : 0 }
    public var etaSeconds: Double? { rate > 0 ? Double(total - done) / rate : nil }
}

/// Grades every candidate of a batch on `jobs` threads. Each thread owns a
/// Grader and its worker (a Grader is not thread-safe); records go to the
/// results file as soon as each candidate is done, so nothing is held in
/// memory but counters.
public final class BatchRunner: @unchecked Sendable {
    public let catalog: ExerciseCatalog
    public let options: BatchOptions
    public let results: ResultsFile
    let store: ExpectedStore
    private let candidates: [String]
    public let exerciseIDs: [String]
    public let exercisesSHA256: String
    private let assignmentSHA256: String?
    private let resumeIndex: [String: ResumeEntry]

    private let condition = NSCondition()
    private var next = 0
    private var running = 0
    private var progress: BatchProgress
    private var fatal: Error?
    /// What prepareExpected found broken: each thread's grader takes it as is.
    private var knownBroken: [BrokenExercise] = []
    private var stopping = false

    /// Fails (a usage error) when an exercise is unknown, and (an internal
    /// error) when a reference cannot be run.
    public init(
        catalog: ExerciseCatalog, options: BatchOptions, candidates: [String], results: ResultsFile, store: ExpectedStore = ExpectedStore()
    ) throws(GradeError) {
        self.catalog = catalog
        self.options = options
        self.candidates = candidates
        self.results = results
        self.store = store
        let grader = try Grader(catalog: catalog, options: options.grade, store: store)
        exerciseIDs = grader.exercises.map(\.id)
        exercisesSHA256 = grader.exercisesSHA256
        assignmentSHA256 = options.grade.assignment?.sha256
        resumeIndex = options.resume ? results.index : [:]
        progress = BatchProgress(total: candidates.count)
    }

    /// Computes (or loads) every exercise's expected results once, before
    /// the threads start, so that they all find them in the disk cache.
    /// Returns the exercises found broken, which every candidate's report
    /// leaves out and names (throws when no exercise is left to grade).
    @discardableResult
    public func prepareExpected() throws(GradeError) -> [BrokenExercise] {
        let grader = try Grader(catalog: catalog, options: options.grade, store: store)
        _ = try grader.definitionProblems()
        for e in grader.exercises where grader.broken[e.id] == nil {
            do { _ = try grader.expected(for: e) } catch let error where error.broken != nil { continue }
        }
        let broken = grader.notGraded
        if grader.exercises.allSatisfy({ grader.broken[$0.id] != nil }), let first = broken.first { throw GradeError(first) }
        condition.lock()
        knownBroken = broken
        condition.unlock()
        return broken
    }

    /// Runs the batch; `report` is called on this thread about every
    /// `interval` seconds; the final count is returned.
    public func run(interval: Double = 0.2, report: (BatchProgress) -> Void) throws -> BatchProgress {
        let start = Clock.now
        let jobs = max(1, min(options.jobs, candidates.count))
        condition.lock()
        running = jobs
        condition.unlock()
        for i in 0..<jobs {
            let thread = Thread { [self] in work() }
            thread.name = "pygrade-batch-\(i)"
            thread.stackSize = Grader.threadStackBytes
            thread.start()
        }
        condition.lock()
        while running > 0 {
            _ = condition.wait(until: Date(timeIntervalSinceNow: interval))
            progress.seconds = start.millisecondsElapsed / 1000
            let snapshot = progress
            condition.unlock()
            report(snapshot)
            condition.lock()
        }
        progress.seconds = start.millisecondsElapsed / 1000
        let final = progress
        let fatal = self.fatal
        condition.unlock()
        if let fatal { throw fatal }
        return final
    }

    /// The candidate's own time: the exchanges with the worker and the
    /// comparisons, without the one-off costs of a worker's first start and
    /// of building an exercise's inputs in it, which would otherwise make the
    /// first candidates of each thread look the slowest.
    static func candidateMs(_ grader: Grader, spawnedBefore: Double, wall: Clock) -> Double {
        guard !grader.lastTimings.isEmpty else { return wall.millisecondsElapsed }
        let firstSpawn = spawnedBefore == 0 ? grader.workerSpawnMs : 0
        return max(0, grader.lastTimings.reduce(0) { $0 + $1.roundTripMs + $1.compareMs + $1.visibleRunMs } - firstSpawn)
    }

    /// No candidate is started after this; those being graded are finished
    /// and recorded, and `run` returns (Ctrl-C: `--resume` does the rest).
    public func stop() {
        condition.lock()
        stopping = true
        condition.unlock()
    }

    private func take() -> String? {
        condition.lock()
        defer { condition.unlock() }
        guard fatal == nil, !stopping, next < candidates.count else { return nil }
        next += 1
        return candidates[next - 1]
    }

    private func count(_ change: (inout BatchProgress) -> Void) {
        condition.lock()
        change(&progress)
        condition.unlock()
    }

    private func work() {
        var grader: Grader?
        while let path = take() {
            let start = Clock.now
            let record: BatchRecord
            do {
                // Not followed, even at the top: a candidate is an entry of the batch folder.
                let submission = try Submission.load(
                    path, maxBytes: options.grade.maxSubmissionBytes, exerciseIDs: exerciseIDs, followingPath: false)
                if let done = resumeIndex[path], !done.isError, done.sha256 == submission.sha256,
                    done.exercisesSHA256 == exercisesSHA256, done.assignmentSHA256 == assignmentSHA256
                {
                    count { $0.resumed += 1 }
                    continue
                }
                do {
                    if grader == nil {
                        let g = try Grader(catalog: catalog, options: options.grade, store: store)
                        condition.lock()
                        let broken = knownBroken
                        condition.unlock()
                        broken.forEach(g.assumeBroken)
                        grader = g
                    }
                    let spawnedBefore = grader!.workerSpawnMs
                    let report = try grader!.grade(submission)
                    record = .report(report, elapsedMs: BatchRunner.candidateMs(grader!, spawnedBefore: spawnedBefore, wall: start))
                } catch {
                    // A fresh grader (and worker) for the next candidate.
                    grader = nil
                    record = .error(BatchErrorRecord(submission: path, kind: .internal, error: error.description))
                }
            } catch {
                record = .error(BatchErrorRecord(submission: path, kind: .input, error: error.problem(within: path)))
            }
            do {
                try results.append(record)
            } catch {
                condition.lock()
                if fatal == nil { fatal = error }
                condition.unlock()
                break
            }
            count { p in
                p.graded += 1
                switch record {
                case .report(let r, _): if r.verdict == .failed { p.failed += 1 }
                case .error(let e):
                    p.errors += 1
                    if e.kind == .internal { p.internalErrors += 1 }
                }
            }
        }
        grader = nil
        condition.lock()
        running -= 1
        condition.signal()
        condition.unlock()
    }
}
