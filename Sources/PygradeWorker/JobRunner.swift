import CPygradeSupport
import CPython
import CPythonShim
import Glibc
import PygradeKit

/// Runs one job: forks a child per (submission, exercise), watches it under
/// its limits, and turns its frames and its death into outcomes. A test that
/// kills its child costs only itself: a fresh child resumes at the next test.
///
/// Wall time and per-test CPU time are enforced here, from outside the
/// child (the worker is trusted; the child is not): `poll` sleeps exactly
/// until the nearer of the two deadlines, so a job that finishes early pays
/// nothing for the timer.
struct JobRunner {
    let runtime: PythonRuntime
    let prepared: PreparedExercise
    let job: JobRequest
    let source: [UInt8]
    let codeCache: CodeCache

    /// Keep at most this much of each visible test's output.
    static let capturedOutputBytes = 4096
    static let digestThreshold = 64 << 10

    private enum Phase: Equatable {
        case loading
        case testing(Int)
        case finishing
    }

    private enum KillReason {
        case wallTime, cpuTime, output, protocolViolation, channelClosed, finishing
    }

    /// What one child produced before it ended.
    private struct ChildEnd {
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

    func run() -> (JobResponse, [[UInt8]]) {
        var response = JobResponse()
        var blobs: [[UInt8]] = []
        let total = job.tests.count
        guard total == prepared.count else {
            response.internalError = "the job names \(total) tests, the exercise has \(prepared.count)"
            return (response, blobs)
        }
        let started = Clock.now
        var next = 0
        var first = true
        while first || next < total {
            let end = runChild(start: next, reportCompile: first, response: &response, blobs: &blobs)
            first = false
            guard let end else { break }
            if end.jobOver { break }
            switch end.phase {
            case .loading:
                // Loading is part of every test: however it ended, it would
                // end the same way for each of them.
                let (status, why) = classify(end, loading: true)
                if response.compile == .notRun {
                    // Died inside the compiler (source nested too deep for it).
                    response.compile = .syntaxError
                    response.syntaxMessage = "the compiler could not handle this source (\(why))"
                } else {
                    response.load = .failed
                    response.loadStatus = status
                    response.loadMessage = why
                }
                next = total
            case .testing(let k):
                let (status, why) = classify(end, loading: false)
                var o = TestOutcome(index: k, kind: .error)
                o.status = status
                o.detail = why
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
        }
        response.timing.totalMs = started.millisecondsElapsed
        return (response, blobs)
    }

    private func classify(_ end: ChildEnd, loading: Bool) -> (TestStatus, String) {
        let status = end.waitStatus
        switch end.killReason {
        case .wallTime?:
            return (.timeLimitExceeded, loading ? "loading the submission took too long" : "ran past the wall-clock limit")
        case .cpuTime?:
            return (.timeLimitExceeded, loading ? "loading the submission used all its CPU time" : "used all its CPU time")
        case .output?: return (.outputLimitExceeded, "printed more than \(job.outputBytes) bytes")
        case .protocolViolation?: return (.sandboxViolation, "wrote forged data into the result channel")
        case .channelClosed?: return (.runtimeError, "closed its result channel and kept running")
        case .finishing?, nil: break
        }
        // The 0x7f test is WIFSTOPPED; Glibc's W* macros do not import.
        let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
        if signaled {
            let sig = status & 0x7f
            switch sig {
            case SIGXCPU, SIGKILL: return (.timeLimitExceeded, "used all its CPU time")
            case SIGSYS: return (.sandboxViolation, "made a forbidden system call")
            case SIGXFSZ: return (.outputLimitExceeded, "wrote a file larger than allowed")
            case SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE:
                let name =
                    sig == SIGSEGV ? "SIGSEGV" : sig == SIGBUS ? "SIGBUS" : sig == SIGABRT ? "SIGABRT" : sig == SIGILL ? "SIGILL" : "SIGFPE"
                // Out of address space, C code often aborts instead of raising.
                if UInt64(end.maxRSSKiB) * 1024 >= job.memoryBytes * 8 / 10 {
                    return (.memoryLimitExceeded, "crashed (\(name)) at the memory limit")
                }
                return (.runtimeError, "crashed (\(name))")
            default: return (.runtimeError, "killed by signal \(sig)")
            }
        }
        let code = (status >> 8) & 0xff
        return (.runtimeError, "the process exited during the test (exit code \(code))")
    }

    // MARK: One child

    private func runChild(start: Int, reportCompile: Bool, response: inout JobResponse, blobs: inout [[UInt8]]) -> ChildEnd? {
        var resultPipe: [Int32] = [0, 0]
        var outputPipe: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&resultPipe) == 0, pg_pipe_cloexec(&outputPipe) == 0 else {
            response.internalError = "pipe2: \(String(cString: strerror(errno)))"
            return nil
        }
        let remainingCPU = job.loadCPUSeconds + job.tests[start...].reduce(0) { $0 + $1.cpuSeconds }
        let digestOK = job.tests.map { UInt8($0.digestOK ? 1 : 0) }
        let vm = pg_self_vm_bytes()
        let codeKey = CodeCache.key(filename: job.filename, source: source)
        let cachedCode = codeCache.code(for: codeKey) ?? []

        let forkStart = Clock.now
        let pid: pid_t = source.withUnsafeBufferPointer { src in
            cachedCode.withUnsafeBufferPointer { code in
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
                                spec.source = UnsafeRawPointer(src.baseAddress!).assumingMemoryBound(to: CChar.self)
                                spec.source_len = src.count
                                spec.filename = filename
                                spec.module_name = moduleName
                                spec.entry = entry
                                spec.compile = runtime.compile
                                spec.rules = job.checkRules ? prepared.rules : nil
                                spec.tests = prepared.tests
                                spec.flush = runtime.flush
                                spec.start = Int32(start)
                                spec.report_compile = reportCompile ? 1 : 0
                                spec.digest_ok = dig.baseAddress
                                spec.check_mutation = job.checkMutation ? 1 : 0
                                spec.fresh_result = job.freshResult ? 1 : 0
                                spec.result_limit = job.resultBytes
                                spec.digest_threshold = JobRunner.digestThreshold
                                if !cachedCode.isEmpty {
                                    spec.code = UnsafeRawPointer(code.baseAddress!).assumingMemoryBound(to: CChar.self)
                                    spec.code_len = code.count
                                }
                                spec.send_code = cachedCode.isEmpty ? 1 : 0
                                return pg_spawn_job(&spec)
                            }
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

        var watch = ChildWatch(pid: pid, resultFD: resultPipe[0], outputFD: outputPipe[0], start: start, job: job)
        watch.wantsCode = cachedCode.isEmpty
        var end = watch.run(prepared: prepared, response: &response, blobs: &blobs, reportCompile: reportCompile)
        end.phase = watch.phase
        if let code = watch.compiledCode { codeCache.store(code, for: codeKey) }
        return end
    }

    /// The poll loop of one child.
    private struct ChildWatch {
        let pid: pid_t
        let resultFD: Int32
        let outputFD: Int32
        let job: JobRequest
        var phase: Phase = .loading
        var phaseStart = Clock.now
        var phaseCPU: Double = 0
        var buffer: [UInt8] = []
        /// Where reads land, allocated once per child.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        var outputCount = 0
        var captured: [UInt8] = []
        var outputOpen = true
        var spawned = Clock.now
        var testsStarted: Clock?
        var jobOver = false
        /// The kind of the last frame this child sent.
        var previousKind: UInt8?
        /// Whether the child was asked for its marshalled code, and the code.
        var wantsCode = false
        var compiledCode: [UInt8]?
        let start: Int

        init(pid: pid_t, resultFD: Int32, outputFD: Int32, start: Int, job: JobRequest) {
            self.start = start
            self.pid = pid
            self.resultFD = resultFD
            self.outputFD = outputFD
            self.job = job
        }

        var limits: (cpu: Double, wall: Double) {
            switch phase {
            case .loading: return (job.loadCPUSeconds, job.loadWallSeconds)
            case .testing(let k): return (job.tests[k].cpuSeconds, job.tests[k].wallSeconds)
            case .finishing: return (1, 1)
            }
        }

        func cpuNow() -> Double { max(0, pg_process_cpu_seconds(pid)) }

        mutating func enter(_ p: Phase) {
            phase = p
            phaseStart = Clock.now
            phaseCPU = cpuNow()
            outputCount = 0
            captured = []
        }

        mutating func run(prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]], reportCompile: Bool) -> ChildEnd
        {
            var killReason: KillReason?
            loop: while true {
                let (cpuLimit, wallLimit) = limits
                let wallLeft = wallLimit - phaseStart.millisecondsElapsed / 1000
                let cpuUsed = cpuNow() - phaseCPU
                if wallLeft <= 0 {
                    killReason = phase == .finishing ? .finishing : .wallTime
                    break
                }
                if cpuUsed >= cpuLimit {
                    killReason = .cpuTime
                    break
                }
                // CPU time never runs faster than the wall clock, so waiting
                // for the CPU budget left cannot overshoot it.
                let waitMs = Int32(max(1, min(wallLeft, cpuLimit - cpuUsed) * 1000).rounded(.up))
                var fds = [pollfd(fd: resultFD, events: Int16(POLLIN), revents: 0)]
                if outputOpen { fds.append(pollfd(fd: outputFD, events: Int16(POLLIN), revents: 0)) }
                let n = poll(&fds, nfds_t(fds.count), waitMs)
                if n < 0 && errno != EINTR { break }
                if n <= 0 { continue }
                // Frames first: the child sends a test's frame only once the
                // worker has read all of that test's output (it waits for its
                // output pipe to be empty), so output read after a frame
                // belongs to the next test.
                if fds[0].revents != 0 {
                    let r = read(resultFD, &chunk, chunk.count)
                    if r == 0 { break }  // the child closed its end: it is exiting
                    if r < 0 && errno != EAGAIN && errno != EINTR { break }
                    if r > 0 {
                        buffer += chunk[0..<r]
                        switch processFrames(prepared: prepared, response: &response, blobs: &blobs, reportCompile: reportCompile) {
                        case .more: break
                        case .violation:
                            killReason = .protocolViolation
                            break loop
                        case .jobOver:
                            jobOver = true
                            break loop
                        }
                    }
                }
                if outputOpen && fds.count > 1 && fds[1].revents != 0 {
                    if !drainOutput() {
                        killReason = .output
                        break
                    }
                }
            }
            if jobOver {
                // Everything is reported and the child has nothing left to
                // say: it goes now, and is reaped with the job's leftovers
                // (Worker.reapOrphans) instead of waiting for its exit.
                kill(-pid, SIGKILL)
                kill(pid, SIGKILL)
                if let t = testsStarted { response.timing.testsMs += t.millisecondsElapsed }
                return ChildEnd(
                    phase: phase, killReason: nil, waitStatus: 0, maxRSSKiB: 0, cpuMs: 0, jobOver: true, captured: captured,
                    outputCount: outputCount)
            }
            if killReason == nil && !childExits(within: 500) {
                // It closed its result channel yet keeps running.
                killReason = phase == .finishing ? .finishing : .channelClosed
            }
            // Whatever happened, the child and anything it started go now.
            kill(-pid, SIGKILL)
            kill(pid, SIGKILL)
            var status: Int32 = 0
            var usage = rusage()
            let reapStart = Clock.now
            while wait4(pid, &status, 0, &usage) < 0 && errno == EINTR {}
            response.timing.reapMs += reapStart.millisecondsElapsed
            if let t = testsStarted { response.timing.testsMs += t.millisecondsElapsed }
            let cpu =
                Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1000
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1000
            return ChildEnd(
                phase: phase, killReason: killReason, waitStatus: status,
                maxRSSKiB: Int(usage.ru_maxrss), cpuMs: max(0, cpu - phaseCPU * 1000), jobOver: jobOver,
                captured: captured, outputCount: outputCount)
        }

        /// Waits (draining its output) until the child has exited, without
        /// reaping it, for at most `ms` milliseconds.
        mutating func childExits(within ms: Double) -> Bool {
            let start = Clock.now
            while start.millisecondsElapsed < ms {
                var info = siginfo_t()
                if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid {
                    return true
                }
                _ = drainOutput()
                usleep(100)
            }
            return false
        }

        /// Reads what the child printed; false once it is over the limit.
        mutating func drainOutput() -> Bool {
            while true {
                let r = read(outputFD, &chunk, chunk.count)
                if r == 0 {
                    outputOpen = false
                    return true
                }
                if r < 0 { return true }
                outputCount += r
                if captured.count < JobRunner.capturedOutputBytes {
                    captured += chunk[0..<min(r, JobRunner.capturedOutputBytes - captured.count)]
                }
                if outputCount > job.outputBytes { return false }
            }
        }

        enum FrameResult { case more, violation, jobOver }

        mutating func processFrames(prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]], reportCompile: Bool)
            -> FrameResult
        {
            var pos = 0
            defer { buffer.removeFirst(pos) }
            while buffer.count - pos >= 4 {
                let len = Int(
                    UInt32(buffer[pos]) | UInt32(buffer[pos + 1]) << 8 | UInt32(buffer[pos + 2]) << 16 | UInt32(buffer[pos + 3]) << 24)
                guard len >= 1, len <= job.resultBytes + 4096 else { return .violation }
                guard buffer.count - pos - 4 >= len else { return .more }
                let kind = buffer[pos + 4]
                let body = Array(buffer[(pos + 5)..<(pos + 4 + len)])
                pos += 4 + len
                let result = handle(
                    kind: kind, body: body, prepared: prepared, response: &response, blobs: &blobs, reportCompile: reportCompile)
                previousKind = kind
                switch result {
                case .more: continue
                case let other: return other
                }
            }
            return .more
        }

        mutating func handle(
            kind: UInt8, body: [UInt8], prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]], reportCompile: Bool
        ) -> FrameResult {
            func u32(_ at: Int) -> Int {
                Int(UInt32(body[at]) | UInt32(body[at + 1]) << 8 | UInt32(body[at + 2]) << 16 | UInt32(body[at + 3]) << 24)
            }
            func text(_ from: Int) -> String { String(decoding: body[min(from, body.count)...].prefix(1000), as: UTF8.self) }
            switch (kind, phase) {
            case (UInt8(ascii: "K"), .loading) where previousKind == nil && reportCompile && wantsCode:
                // The first frame, straight from the compiler: no candidate
                // code has run yet.
                compiledCode = body
            // Compile, syntax-error and rule frames come before any candidate
            // code runs, in this order: K? (C (R|Q)?)|X. Once the module
            // loads, its code can write into the result channel too, so any
            // of them out of order is forged (the catch-all below).
            case (UInt8(ascii: "C"), .loading) where reportCompile && (previousKind == nil || previousKind == UInt8(ascii: "K")):
                response.compile = .ok
            case (UInt8(ascii: "X"), .loading) where body.count >= 4 && previousKind == nil:
                response.compile = .syntaxError
                response.syntaxLine = u32(0)
                response.syntaxMessage = text(4)
                return .jobOver
            case (UInt8(ascii: "R"), .loading) where reportCompile && job.checkRules && previousKind == UInt8(ascii: "C"):
                guard case .list(let hits)? = try? ValueCodec.decode(body) else { return .violation }
                response.ruleHits = hits.compactMap { (h: PyValue) -> RuleHit? in
                    guard case .tuple(let t) = h, t.count == 2, let id = t[0].stringValue, let line = t[1].intValue else { return nil }
                    return RuleHit(id: id, line: Int(line))
                }
            case (UInt8(ascii: "Q"), .loading) where job.checkRules && previousKind == UInt8(ascii: "C"):
                // Only straight after the compile frame: later, candidate code
                // runs and could forge this to turn its failure into ours.
                response.internalError = "the rule checker failed: \(text(0))"
                return .jobOver
            case (UInt8(ascii: "V"), _) where job.checkRules && (previousKind != nil || !reportCompile):
                // A rule broken at run time (rules.c, pg_rules_runtime_install):
                // the rule's index alone, no line (candidate code is running,
                // so nothing else in it could be trusted). A forged one can
                // only name one of the exercise's own rules, against itself.
                guard body.count == 1, Int(body[0]) < prepared.ruleIDs.count else { return .violation }
                let id = prepared.ruleIDs[Int(body[0])]
                if !response.ruleHits.contains(where: { $0.id == id }) { response.ruleHits.append(RuleHit(id: id, line: 0)) }
            case (UInt8(ascii: "Z"), .loading) where previousKind == nil && reportCompile:
                // Set-up failures come before anything else, and only from a
                // job's first child: a respawned child's frames after its
                // set-up are the candidate's, who must not end as our error.
                response.internalError = "the job child could not set itself up: \(text(0))"
                return .jobOver
            case (UInt8(ascii: "L"), .loading):
                response.load = .ok
                if response.timing.loadMs == 0 { response.timing.loadMs = spawned.millisecondsElapsed }
                testsStarted = Clock.now
                enter(start < job.tests.count ? .testing(start) : .finishing)
            case (UInt8(ascii: "E"), .loading) where body.count >= 1:
                response.load = .failed
                response.loadStatus = TestStatus(code: Int(body[0])) ?? .runtimeError
                response.loadMessage = text(1)
                return .jobOver
            case (UInt8(ascii: "M"), .loading):
                response.load = .missing
                response.loadMessage = text(0)
                return .jobOver
            case (UInt8(ascii: "r"), .testing(let k)) where body.count >= 13:
                guard u32(0) == k else { return .violation }
                var at = 13
                var outcome = TestOutcome(index: k, kind: .value)
                outcome.peakKiB = u32(5)
                // Measured from outside; the harness's own share (encoding
                // the result) is the grader's cost, not the candidate's.
                let harnessMs = min(Double(u32(9)) / 1000, 60_000)
                let childMs = max(0, (cpuNow() - phaseCPU) * 1000)
                outcome.cpuMs = max(0, childMs - harnessMs)
                outcome.harnessMs = min(harnessMs, childMs)
                if job.checkMutation {
                    guard body.count >= at + 16 else { return .violation }
                    outcome.inputMutated = Array(body[at..<at + 16]) != prepared.argumentDigests[k]
                    at += 16
                }
                let payload = Array(body[at...])
                switch Int(body[4]) {
                case PG_RES_VALUE:
                    outcome.blob = blobs.count
                    blobs.append(payload)
                case PG_RES_DIGEST:
                    guard payload.count == 16 else { return .violation }
                    outcome.kind = .digest
                    outcome.digest = Digest.hex(payload)
                case PG_RES_NOT_PLAIN:
                    outcome.kind = .notPlain
                    outcome.detail = String(decoding: payload.prefix(200), as: UTF8.self)
                case PG_RES_TOO_LARGE:
                    outcome.kind = .tooLarge
                case PG_RES_ALIASED:
                    outcome.kind = .aliased
                case PG_RES_EXCEPTION:
                    guard !payload.isEmpty else { return .violation }
                    outcome.kind = .error
                    outcome.status = TestStatus(code: Int(payload[0])) ?? .runtimeError
                    outcome.detail = String(decoding: payload.dropFirst().prefix(1000), as: UTF8.self)
                default:
                    return .violation
                }
                if job.tests[k].captureOutput && !captured.isEmpty {
                    outcome.output = String(decoding: captured, as: UTF8.self)
                }
                outcome.outputBytes = outputCount
                response.tests.append(outcome)
                if k + 1 < job.tests.count {
                    enter(.testing(k + 1))
                } else {
                    enter(.finishing)
                }
            case (UInt8(ascii: "D"), .finishing):
                return .jobOver
            default:
                return .violation
            }
            return .more
        }
    }
}
