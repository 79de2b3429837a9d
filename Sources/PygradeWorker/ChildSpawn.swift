import CJobChild
import Glibc
import PygradeProtocol

/// One job child, forked from the exercise's zygote: the C job (pg_job) it
/// runs, built from the job and the exercise, its pid and the descriptors
/// the worker watches it by.
struct ChildSpawn {
    let pid: pid_t
    /// Its result channel (a socket) and its output (stdout and stderr, a
    /// pipe), non-blocking.
    let resultFD: Int32
    let outputFD: Int32
    /// Its /proc status and schedstat, or -1 (see procReadable).
    let statusFD: Int32
    let schedFD: Int32
    /// The secret its frames carry (FrameReader).
    let secret: [UInt8]

    /// Whether /proc is this worker's PID namespace's (Worker.main): per-test
    /// peaks are read there; else a child's peak comes from wait4 alone.
    nonisolated(unsafe) static var procReadable = false

    /// Forks a child that runs `job` from test `start` (the tests before it
    /// ran in earlier children). The fork's time goes into `timing`.
    static func start(
        runtime: PythonRuntime, prepared: PreparedExercise, job: JobRequest, code: [UInt8], start: Int, timing: inout JobTiming
    ) -> Result<ChildSpawn, SystemError> {
        var secret = pg_job().secret
        guard FrameReader.draw(into: &secret) else { return .failure(SystemError("getrandom")) }
        var resultPipe: [Int32] = [0, 0]
        guard pg_result_channel(&resultPipe) == 0 else { return .failure(SystemError("socketpair")) }
        var outputPipe: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&outputPipe) == 0 else {
            let error = SystemError("pipe2")
            close(resultPipe[0])
            close(resultPipe[1])
            return .failure(error)
        }
        let remainingCPU = job.loadCPUSeconds + job.tests[start...].reduce(0) { $0 + $1.cpuSeconds }
        let digestOK = job.tests.map { UInt8($0.digestOK ? 1 : 0) }
        let vm = pg_self_vm_bytes()

        let forkStart = Clock.now
        let pid: pid_t = code.withUnsafeBufferPointer { code in
            digestOK.withUnsafeBufferPointer { dig in
                job.filename.withCString { filename in
                    job.moduleName.withCString { moduleName in
                        job.entry.withCString { entry in
                            var spec = pg_job()
                            spec.result_fd = resultPipe[1]
                            spec.output_fd = outputPipe[1]
                            spec.limits = pg_policy_job_limits(remainingCPU + 1, vm + job.memoryBytes)
                            spec.secret = secret
                            spec.filename = filename
                            spec.module_name = moduleName
                            spec.entry = entry
                            spec.code = code.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                            spec.code_len = code.count
                            spec.tests = prepared.tests
                            spec.probes_code = prepared.probesCode
                            spec.builtins_items = prepared.builtinsItems
                            spec.rules = job.checkRules ? prepared.rules : nil
                            spec.flush = runtime.flush
                            spec.start = Int32(start)
                            spec.digest_ok = dig.baseAddress
                            spec.check_mutation = job.checkMutation ? 1 : 0
                            spec.fresh_result = job.freshResult ? 1 : 0
                            spec.result_limit = job.resultBytes
                            spec.digest_threshold = ChildFrames.digestThreshold
                            spec.full_text = job.fullText ? 1 : 0
                            return pg_spawn_job(&spec)
                        }
                    }
                }
            }
        }
        let forkError = SystemError("fork")
        timing.forkMs += forkStart.millisecondsElapsed
        timing.children += 1
        close(resultPipe[1])
        close(outputPipe[1])
        guard pid > 0 else {
            close(resultPipe[0])
            close(outputPipe[0])
            return .failure(forkError)
        }
        _ = fcntl(resultPipe[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(outputPipe[0], F_SETFL, O_NONBLOCK)
        let statusFD = procReadable ? open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC) : -1
        let schedFD = procReadable ? open("/proc/\(pid)/schedstat", O_RDONLY | O_CLOEXEC) : -1
        return .success(
            ChildSpawn(
                pid: pid, resultFD: resultPipe[0], outputFD: outputPipe[0], statusFD: statusFD, schedFD: schedFD,
                secret: FrameReader.bytes(of: secret)))
    }

    /// Closes what the worker holds of the child (once it is reaped or
    /// killed).
    func closeDescriptors() {
        close(resultFD)
        close(outputFD)
        if statusFD >= 0 { close(statusFD) }
        if schedFD >= 0 { close(schedFD) }
    }
}
