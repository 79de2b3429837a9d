import CPygradeSupport
import CPython
import CPythonShim
import Glibc
import PygradeProtocol

/// Runs one job in an exercise's zygote: forks a child per (submission,
/// exercise), watches it under its limits, and turns its frames and its
/// death into outcomes. A test that kills its child costs only itself: a
/// fresh child resumes at the next test, within the exercise's wall budget.
///
/// Every figure comes from the kernel (the child's CPU clock, its /proc
/// status, wait4); a frame is only ever a claim about a result.
struct JobRunner {
    let runtime: PythonRuntime
    let prepared: PreparedExercise
    let job: JobRequest
    /// The submission's marshalled code, from a compile child.
    let code: [UInt8]

    /// Results longer than this, under a checker that allows it, travel and
    /// are compared as digests (ChildWatch digests a longer value frame too).
    static let digestThreshold = Int(PG_DIGEST_THRESHOLD)
    /// Whether /proc is this worker's PID namespace's (Worker.main): per-test
    /// peaks are read there; else a child's peak comes from wait4 alone.
    nonisolated(unsafe) static var procReadable = false

    func run() -> (JobResponse, [[UInt8]]) {
        var response = JobResponse()
        response.compile = .ok
        var blobs: [[UInt8]] = []
        let total = job.tests.count
        guard total == prepared.count else {
            response.internalError = "the job names \(total) tests, the exercise has \(prepared.count)"
            return (response, blobs)
        }
        let started = Clock.now
        let budgetEnd = started.nanoseconds + UInt64(max(0, job.wallBudgetSeconds) * 1e9)
        var sent = 0
        var next = 0
        var first = true
        while first || next < total {
            first = false
            guard let end = runChild(start: next, budgetEnd: budgetEnd, sent: &sent, response: &response, blobs: &blobs) else { break }
            if end.jobOver { break }
            let (status, ending) = classify(end)
            switch end.phase {
            case .loading:
                // Loading is part of every test: however it ended, it would
                // end the same way for each of them.
                response.load = .failed
                response.loadStatus = status
                response.loadEnding = ending
                next = total
            case .testing(let k):
                var o = TestOutcome(index: k, kind: .error)
                o.status = status
                o.ending = ending
                o.cpuMs = end.cpuMs
                o.peakKiB = end.maxRSSKiB
                // What it printed before it died (a crash, a limit) is its too.
                if job.tests[k].captureOutput && !end.captured.isEmpty {
                    o.output = String(decoding: end.captured, as: UTF8.self)
                }
                o.outputBytes = end.outputCount
                response.tests.append(o)
                next = k + 1
            case .finishing:
                next = total
            }
            // Past the budget, or past the bytes a job may send, nothing more
            // runs: the tests left end the same way. A forged frame ends the
            // exercise.
            switch end.killReason {
            case .budget?:
                notRun(from: next, status: .timeLimitExceeded, ending: .notRunBudget, response: &response)
                next = total
            case .flood?:
                notRun(from: next, status: .outputLimitExceeded, ending: .notRunFlood, response: &response)
                next = total
            case .protocolViolation?:
                response.forged = true
                next = total
            default: break
            }
        }
        response.timing.totalMs = started.millisecondsElapsed
        return (response, blobs)
    }

    private func notRun(from k: Int, status: TestStatus, ending: Ending, response: inout JobResponse) {
        guard response.load != .failed else { return }
        for i in k..<job.tests.count {
            var o = TestOutcome(index: i, kind: .error)
            o.status = status
            o.ending = ending
            response.tests.append(o)
        }
    }

    private func classify(_ end: ChildEnd) -> (TestStatus, Ending) {
        let status = end.waitStatus
        switch end.killReason {
        case .wallTime?:
            return (.timeLimitExceeded, .wallLimit)
        case .cpuTime?:
            return (.timeLimitExceeded, .cpuLimit)
        case .budget?: return (.timeLimitExceeded, .budget)
        case .output?: return (.outputLimitExceeded, .outputLimit(bytes: job.outputBytes))
        case .flood?: return (.outputLimitExceeded, .flood)
        case .protocolViolation?: return (.sandboxViolation, .forgedFrame)
        case .channelClosed?: return (.runtimeError, .channelClosed)
        case .finishing?, nil: break
        }
        // The 0x7f test is WIFSTOPPED; Glibc's W* macros do not import.
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        if signaled {
            let sig = status & 0x7f
            switch sig {
            case SIGXCPU, SIGKILL: return (.timeLimitExceeded, .cpuSignal)
            case SIGSYS: return (.sandboxViolation, .forbiddenCall)
            case SIGXFSZ: return (.outputLimitExceeded, .fileSize)
            case SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE:
                // Out of address space, C code often aborts instead of raising.
                if UInt64(end.maxRSSKiB) * 1024 >= job.memoryBytes * 8 / 10 {
                    return (.memoryLimitExceeded, .crashAtMemoryLimit(signal: sig))
                }
                return (.runtimeError, .crash(signal: sig))
            default: return (.runtimeError, .signal(sig))
            }
        }
        let code = (status >> 8) & 0xff
        return (.runtimeError, .exit(code))
    }

    // MARK: One child

    private func runChild(start: Int, budgetEnd: UInt64, sent: inout Int, response: inout JobResponse, blobs: inout [[UInt8]])
        -> ChildEnd?
    {
        var resultPipe: [Int32] = [0, 0]
        var outputPipe: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&resultPipe) == 0, pg_pipe_cloexec(&outputPipe) == 0 else {
            response.internalError = "pipe2: \(String(cString: strerror(errno)))"
            return nil
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
                            spec.limits.cpu_seconds = remainingCPU + 1
                            spec.limits.address_space = vm + job.memoryBytes
                            spec.limits.file_size = 16 << 20
                            spec.limits.open_files = 64
                            spec.limits.processes = 0
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
                            spec.digest_threshold = JobRunner.digestThreshold
                            spec.full_text = job.fullText ? 1 : 0
                            return pg_spawn_job(&spec)
                        }
                    }
                }
            }
        }
        response.timing.forkMs += forkStart.millisecondsElapsed
        response.timing.children += 1
        close(resultPipe[1])
        close(outputPipe[1])
        defer {
            close(resultPipe[0])
            close(outputPipe[0])
        }
        guard pid > 0 else {
            response.internalError = "fork: \(String(cString: strerror(errno)))"
            return nil
        }
        _ = fcntl(resultPipe[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(outputPipe[0], F_SETFL, O_NONBLOCK)
        let statusFD = JobRunner.procReadable ? open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC) : -1
        let schedFD = JobRunner.procReadable ? open("/proc/\(pid)/schedstat", O_RDONLY | O_CLOEXEC) : -1
        defer {
            if statusFD >= 0 { close(statusFD) }
            if schedFD >= 0 { close(schedFD) }
        }

        var watch = ChildWatch(
            pid: pid, statusFD: statusFD, schedFD: schedFD, resultFD: resultPipe[0], outputFD: outputPipe[0], start: start, job: job,
            budgetEnd: budgetEnd, alreadySent: sent)
        let end = watch.run(prepared: prepared, response: &response, blobs: &blobs)
        sent = watch.frames.received
        return end
    }
}

/// How one child ended, and what it left.
struct ChildEnd {
    enum Phase: Equatable {
        case loading
        case testing(Int)
        case finishing
    }
    enum KillReason {
        case wallTime, cpuTime, budget, output, flood, protocolViolation, channelClosed, finishing
    }
    var phase: Phase
    var killReason: KillReason?
    var waitStatus: Int32
    var maxRSSKiB: Int
    var cpuMs: Double
    var jobOver: Bool
    /// What the test it died in had printed (kept, and in all).
    var captured: [UInt8] = []
    var outputCount = 0
}
