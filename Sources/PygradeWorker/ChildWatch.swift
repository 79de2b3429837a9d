import CPythonShim
import Glibc
import PygradeProtocol

/// The poll loop of one job child: its deadlines (per phase CPU and wall,
/// the exercise's wall budget), its output, and its frames, taken only where
/// the protocol allows them (child.c):
///
///     Z | S V* (E | M | L (V* r)* V* D)
///
/// S comes before any candidate code runs, so only a first frame can be the
/// harness's set-up failure; after it, anything out of this order was
/// written by the candidate's code and ends the exercise as forged.
struct ChildWatch {
    typealias Phase = ChildEnd.Phase

    let pid: pid_t
    let statusFD: Int32
    let schedFD: Int32
    let resultFD: Int32
    let outputFD: Int32
    let job: JobRequest
    let start: Int
    let budgetEnd: UInt64
    /// How many CPUs its threads can run on at once: CPU time runs up to
    /// that many times faster than the wall clock. (All the machine's: a
    /// smaller affinity only makes the loop wake a little more often.)
    static let cpus = Double(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    var phase: Phase = .loading
    var phaseStart = Clock.now
    var phaseCPU: Double = 0
    var frames: ChildFrames
    /// Where reads land, allocated once per child.
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var outputCount = 0
    var captured: [UInt8] = []
    var outputOpen = true
    var spawned = Clock.now
    var testsStarted: Clock?
    var ready = false
    var ruleHitsSeen = Set<Int>()

    init(
        pid: pid_t, statusFD: Int32, schedFD: Int32, resultFD: Int32, outputFD: Int32, start: Int, job: JobRequest, budgetEnd: UInt64,
        alreadySent: Int
    ) {
        self.pid = pid
        self.statusFD = statusFD
        self.schedFD = schedFD
        self.resultFD = resultFD
        self.outputFD = outputFD
        self.start = start
        self.job = job
        self.budgetEnd = budgetEnd
        // A job may send its results' worth, plus the frames' own bytes.
        let limits = job.tests.map { $0.resultLimit(in: job) }
        frames = ChildFrames(
            maxFrame: (limits.max() ?? 0) + 4096, maxTotal: limits.reduce(0, +) + 4096 * (job.tests.count + 8),
            maxPossible: job.resultBytes + 4096, received: alreadySent)
    }

    var limits: (cpu: Double, wall: Double) {
        switch phase {
        case .loading: return (job.loadCPUSeconds, job.loadWallSeconds)
        case .testing(let k): return (job.tests[k].cpuSeconds, job.tests[k].wallSeconds)
        case .finishing: return (1, 1)
        }
    }

    /// The child's CPU time so far: its process clock (every thread, but up
    /// to a scheduler tick behind for a thread that is running) or its main
    /// thread's run time to the nanosecond, whichever is more.
    func cpuNow() -> Double {
        max(0, pg_process_cpu_seconds(pid), schedFD >= 0 ? pg_proc_runtime_seconds(schedFD) : 0)
    }

    mutating func enter(_ p: Phase) {
        phase = p
        phaseStart = Clock.now
        phaseCPU = cpuNow()
        outputCount = 0
        captured = []
    }

    enum FrameResult { case more, violation, flood, jobOver }

    mutating func run(prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]]) -> ChildEnd {
        var killReason: ChildEnd.KillReason?
        var jobOver = false
        loop: while true {
            let (cpuLimit, wallLimit) = limits
            let now = Clock.now
            let wallLeft = wallLimit - phaseStart.milliseconds(to: now) / 1000
            let budgetLeft = Double(Int64(bitPattern: budgetEnd &- now.nanoseconds)) / 1e9
            let cpuUsed = cpuNow() - phaseCPU
            if budgetLeft <= 0 && phase != .finishing {
                killReason = .budget
                break
            }
            if wallLeft <= 0 {
                killReason = phase == .finishing ? .finishing : .wallTime
                break
            }
            if cpuUsed >= cpuLimit {
                killReason = .cpuTime
                break
            }
            // The whole process's CPU clock (every thread) is the measure;
            // with all its threads busy it runs `cpus` times as fast as the
            // wall clock, so that is how soon the CPU budget left can run out.
            let waitMs = Int32(max(1, min(wallLeft, budgetLeft, (cpuLimit - cpuUsed) / ChildWatch.cpus) * 1000).rounded(.up))
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
                    guard frames.append(chunk[0..<r]) else {
                        killReason = .flood
                        break
                    }
                    switch processFrames(prepared: prepared, response: &response, blobs: &blobs) {
                    case .more: break
                    case .violation:
                        killReason = .protocolViolation
                        break loop
                    case .flood:
                        killReason = .flood
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
            // (Zygote.reapJobChildren) instead of waiting for its exit.
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
        // What it printed just before it ended may still be in the pipe.
        if outputOpen && killReason != .output { _ = drainOutput() }
        // Whatever happened, the child and anything it started go now.
        let peak = peakKiB()
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
            maxRSSKiB: max(peak, Int(usage.ru_maxrss)), cpuMs: max(0, cpu - phaseCPU * 1000), jobOver: false,
            captured: captured, outputCount: outputCount)
    }

    /// The child's peak resident memory so far, from the kernel (0 when
    /// /proc is not this PID namespace's: the peak then comes from wait4).
    func peakKiB() -> Int {
        statusFD >= 0 ? max(0, pg_proc_peak_kib(statusFD)) : 0
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
            if captured.count < TestOutcome.keptOutputBytes {
                captured += chunk[0..<min(r, TestOutcome.keptOutputBytes - captured.count)]
            }
            if outputCount > job.outputBytes { return false }
        }
    }

    mutating func processFrames(prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]]) -> FrameResult {
        while true {
            switch frames.next() {
            case .more: return .more
            case .malformed: return .violation
            case .tooLong: return .flood
            case .frame(let kind, let body):
                let result = handle(kind: kind, body: body, prepared: prepared, response: &response, blobs: &blobs)
                if result != .more { return result }
            }
        }
    }

    mutating func handle(
        kind: UInt8, body: ArraySlice<UInt8>, prepared: PreparedExercise, response: inout JobResponse, blobs: inout [[UInt8]]
    ) -> FrameResult {
        let b = body.startIndex
        func text() -> String { String(decoding: body.prefix(1000), as: UTF8.self) }
        switch (Int(kind), phase) {
        case (PG_FRAME_SETUP_FAILED, .loading) where !ready:
            // The first frame: no candidate code has run in this child yet.
            response.internalError = "the job child could not set itself up: \(text())"
            return .jobOver
        case (PG_FRAME_READY, .loading) where !ready:
            ready = true
        case (PG_FRAME_LOADED, .loading) where ready:
            response.load = .ok
            if response.timing.loadMs == 0 { response.timing.loadMs = spawned.millisecondsElapsed }
            testsStarted = Clock.now
            enter(start < job.tests.count ? .testing(start) : .finishing)
        case (PG_FRAME_LOAD_ERROR, .loading) where ready && body.count >= 1:
            response.load = .failed
            response.loadStatus = TestStatus(code: Int(body[b])) ?? .runtimeError
            response.loadMessage = String(decoding: body.dropFirst().prefix(1000), as: UTF8.self)
            return .jobOver
        case (PG_FRAME_MISSING, .loading) where ready:
            response.load = .missing
            response.loadMessage = text()
            return .jobOver
        case (PG_FRAME_RESULT, .testing(let k)) where body.count >= 5:
            guard ChildFrames.u32(body[b..<b + 4]) == k else { return .violation }
            var at = b + 5
            var outcome = TestOutcome(index: k, kind: .value)
            // Measured from outside, from the kernel: the frame says nothing
            // about time or memory.
            outcome.cpuMs = max(0, (cpuNow() - phaseCPU) * 1000)
            outcome.peakKiB = peakKiB()
            if job.checkMutation {
                guard body.count >= 5 + 16 else { return .violation }
                outcome.inputMutated = !body[at..<at + 16].elementsEqual(prepared.argumentDigests[k])
                at += 16
            }
            let payload = body[at...]
            switch Int(body[b + 4]) {
            case PG_RES_VALUE:
                // A large value where a digest would do is digested here:
                // the orchestrator never holds more than it must.
                if payload.count > job.tests[k].resultLimit(in: job) {
                    outcome.kind = .tooLarge
                } else if job.tests[k].digestOK && payload.count > JobRunner.digestThreshold, let d = Digest.value(Array(payload)) {
                    outcome.kind = .digest
                    outcome.digest = Digest.hex(d)
                } else {
                    outcome.blob = blobs.count
                    blobs.append(Array(payload))
                }
            case PG_RES_DIGEST:
                guard payload.count == 16 else { return .violation }
                outcome.kind = .digest
                outcome.digest = Digest.hex(Array(payload))
            case PG_RES_NOT_PLAIN:
                outcome.kind = .notPlain
                outcome.detail = String(decoding: payload.prefix(200), as: UTF8.self)
            case PG_RES_TOO_LARGE:
                outcome.kind = .tooLarge
            case PG_RES_ALIASED:
                outcome.kind = .aliased
            case PG_RES_EXCEPTION:
                guard let s = payload.first else { return .violation }
                outcome.kind = .error
                outcome.status = TestStatus(code: Int(s)) ?? .runtimeError
                outcome.detail = String(decoding: payload.dropFirst().prefix(1000), as: UTF8.self)
            default:
                return .violation
            }
            if job.tests[k].captureOutput && !captured.isEmpty {
                outcome.output = String(decoding: captured, as: UTF8.self)
            }
            outcome.outputBytes = outputCount
            response.tests.append(outcome)
            enter(k + 1 < job.tests.count ? .testing(k + 1) : .finishing)
        case (PG_FRAME_DONE, .finishing):
            return .jobOver
        case (PG_FRAME_RULE_AT_RUN_TIME, _) where ready && job.checkRules && body.count == 1:
            // A rule broken at run time (eval of text, a forbidden builtin
            // reached by name): the rule's index, and no line, since a
            // number the candidate could choose would be a channel. A forged
            // one can only cost the candidate.
            let i = Int(body[b])
            guard i < prepared.ruleIDs.count else { return .violation }
            if ruleHitsSeen.insert(i).inserted { response.ruleHits.append(RuleHit(id: prepared.ruleIDs[i], line: 0)) }
        default:
            return .violation
        }
        return .more
    }
}
