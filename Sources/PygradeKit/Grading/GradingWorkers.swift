/// The two workers a grader drives, each started on first need: the normal
/// one, which runs every test, hidden ones too; and the visible-only one,
/// which is only ever sent exercises stripped of their hidden tests
/// (VisibleText). A worker that lacks a layer the sandbox policy needs is
/// refused, and a job's failure inside either is worded once (`run`).
final class GradingWorkers {
    let sandbox: SandboxPolicy
    /// What is started as a worker (nil: this process's own binary).
    let executable: String?
    private(set) var normal: WorkerClient?
    /// Started on first need; only ever sent visible-only exercises.
    private(set) var visible: WorkerClient?

    init(sandbox: SandboxPolicy, executable: String? = nil) {
        self.sandbox = sandbox
        self.executable = executable
    }

    /// A new normal worker (the grader checks the definitions in it).
    func startNormal() throws(GradeError) -> WorkerClient {
        let w = try startWorker()
        normal = w
        return w
    }

    func visibleClient() throws(GradeError) -> WorkerClient {
        if let visible { return visible }
        let w = try startWorker()
        visible = w
        return w
    }

    /// A new worker, refused when it lacks a layer the sandbox policy needs.
    private func startWorker() throws(GradeError) -> WorkerClient {
        let w: WorkerClient
        do {
            w = try WorkerClient(executable: executable ?? WorkerClient.currentExecutable())
        } catch {
            throw GradeError("cannot start a worker: \(error)")
        }
        if let refusal = sandbox.refusal(w.sandbox) { throw GradeError(refusal) }
        return w
    }

    /// One job in `worker`. Test inputs that cannot be built are the
    /// exercise's fault, not the grader's: that error names it broken.
    static func run(
        _ job: JobRequest, source: [UInt8], exercise: Exercise, in worker: WorkerClient
    ) throws(GradeError) -> (JobResponse, [[UInt8]]) {
        let result: (JobResponse, [[UInt8]])
        do {
            result = try worker.run(job, source: source, exercise: exercise)
        } catch let e where e.exerciseBroken {
            throw GradeError(BrokenExercise(id: exercise.id, stage: .inputs, problem: e.description, place: exercise.definitionFile.path))
        } catch {
            throw GradeError(error.description)
        }
        if let failure = result.0.internalError { throw GradeError("worker: \(failure)") }
        return result
    }
}
