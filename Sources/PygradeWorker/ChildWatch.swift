import CJobChild
import Glibc
import PygradeProtocol

/// The poll loop of one job child: its deadlines (per phase CPU and wall,
/// the exercise's wall budget), its output, and its frames, which ChildFrames
/// judges; this loop acts on what it says, measures what only the kernel
/// knows, and reaps the child.
struct ChildWatch {
    typealias Phase = ChildFrames.Phase

    let child: ChildSpawn
    let job: JobRequest
    let budgetEnd: UInt64
    /// How many CPUs its threads can run on at once: CPU time runs up to
    /// that many times faster than the wall clock. (All the machine's: a
    /// smaller affinity only makes the loop wake a little more often.)
    static let cpus = Double(max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    var phase: Phase { frames.phase }
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
    /// The results (indices into the response's tests) read once the
    /// child's memory was gone: it had sent its last frame and exited
    /// before the worker read them, so /proc no longer gives its peak.
    /// Theirs is the one wait4 gives (`peaksFromExit`).
    var peaksAtExit: [Int] = []

    init(child: ChildSpawn, start: Int, job: JobRequest, prepared: PreparedExercise, budgetEnd: UInt64, alreadySent: Int) {
        self.child = child
        self.job = job
        self.budgetEnd = budgetEnd
        frames = ChildFrames(
            job: job, start: start, argumentDigests: prepared.argumentDigests, ruleIDs: prepared.ruleIDs, secret: child.secret,
            alreadySent: alreadySent)
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
        max(0, pg_process_cpu_seconds(child.pid), child.schedFD >= 0 ? pg_proc_runtime_seconds(child.schedFD) : 0)
    }

    /// A new phase (ChildFrames moved to it): its clocks and its output
    /// start from here.
    mutating func phaseBegins() {
        phaseStart = Clock.now
        phaseCPU = cpuNow()
        outputCount = 0
        captured = []
    }

    enum FrameResult { case more, violation, flood, jobOver }

    mutating func run(response: inout JobResponse, blobs: inout [[UInt8]]) -> ChildEnd {
        let pid = child.pid
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
            var fds = [pollfd(fd: child.resultFD, events: Int16(POLLIN), revents: 0)]
            if outputOpen { fds.append(pollfd(fd: child.outputFD, events: Int16(POLLIN), revents: 0)) }
            // EINTR here (and on the reads below) goes back to the deadlines
            // above rather than into the same wait again: not a case for
            // retryingOnInterrupt.
            let n = poll(&fds, nfds_t(fds.count), waitMs)
            if n < 0 && errno != EINTR { break }
            if n <= 0 { continue }
            // Frames first: the child sends a test's frame only once the
            // worker has read all of that test's output (it waits for its
            // output pipe to be empty), so output read after a frame
            // belongs to the next test.
            if fds[0].revents != 0 {
                let r = read(child.resultFD, &chunk, chunk.count)
                if r == 0 { break }  // the child closed its end: it is exiting
                if r < 0 && errno != EAGAIN && errno != EINTR { break }
                if r > 0 {
                    guard frames.take(chunk[0..<r]) else {
                        killReason = .flood
                        break
                    }
                    switch processFrames(response: &response, blobs: &blobs) {
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
            if !peaksAtExit.isEmpty {
                // Only then is it waited for here: it has exited already.
                var status: Int32 = 0
                var usage = rusage()
                if (try? retryingOnInterrupt("wait4") { wait4(pid, &status, 0, &usage) }) == pid {
                    peaksFromExit(usage, response: &response)
                }
            }
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
        _ = try? retryingOnInterrupt("wait4") { wait4(pid, &status, 0, &usage) }
        response.timing.reapMs += reapStart.millisecondsElapsed
        peaksFromExit(usage, response: &response)
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
        child.statusFD >= 0 ? max(0, pg_proc_peak_kib(child.statusFD)) : 0
    }

    /// The peak of each result read after the child's memory was gone: its
    /// peak over its whole life (the result was its last), from wait4.
    mutating func peaksFromExit(_ usage: rusage, response: inout JobResponse) {
        for i in peaksAtExit where i < response.tests.count {
            response.tests[i].peakKiB = max(response.tests[i].peakKiB, Int(usage.ru_maxrss))
        }
        peaksAtExit = []
    }

    /// Waits (draining its output) until the child has exited, without
    /// reaping it, for at most `ms` milliseconds.
    mutating func childExits(within ms: Double) -> Bool {
        let start = Clock.now
        while start.millisecondsElapsed < ms {
            var info = siginfo_t()
            if waitid(P_PID, id_t(child.pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == child.pid {
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
            let r = read(child.outputFD, &chunk, chunk.count)
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

    mutating func processFrames(response: inout JobResponse, blobs: inout [[UInt8]]) -> FrameResult {
        while true {
            switch frames.next() {
            case .more: return .more
            case .malformed, .forged: return .violation
            case .tooLong: return .flood
            case .event(let event):
                record(event, response: &response, blobs: &blobs)
                if event.endsJob { return .jobOver }
            }
        }
    }

    /// What an accepted frame says, in the response, with what the kernel
    /// says of the test it ends.
    mutating func record(_ event: ChildFrames.Event, response: inout JobResponse, blobs: inout [[UInt8]]) {
        switch event {
        case .setupFailed(let text):
            response.internalError = "the job child could not set itself up: \(text)"
        case .ready, .done:
            break
        case .loaded:
            response.load = .ok
            if response.timing.loadMs == 0 { response.timing.loadMs = spawned.millisecondsElapsed }
            testsStarted = Clock.now
            phaseBegins()
        case .loadFailed(let status, let message):
            response.load = .failed
            response.loadStatus = status
            response.loadMessage = message
        case .missing(let text):
            response.load = .missing
            response.loadMessage = text
        case .result(var outcome, let value):
            // Measured from outside, from the kernel: the frame says nothing
            // about time or memory.
            outcome.cpuMs = max(0, (cpuNow() - phaseCPU) * 1000)
            outcome.peakKiB = peakKiB()
            if outcome.peakKiB == 0 && child.statusFD >= 0 { peaksAtExit.append(response.tests.count) }
            if let value {
                outcome.blob = blobs.count
                blobs.append(Array(value))
            }
            if job.tests[outcome.index].captureOutput && !captured.isEmpty {
                outcome.output = String(decoding: captured, as: UTF8.self)
            }
            outcome.outputBytes = outputCount
            response.tests.append(outcome)
            phaseBegins()
        case .ruleHit(let hit, let first):
            if first { response.ruleHits.append(hit) }
        }
    }
}
