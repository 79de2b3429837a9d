import PygradeProtocol

/// Runs one job in an exercise's zygote: forks a child per (submission,
/// exercise), watches it under its limits, and turns its frames and its
/// death into outcomes. A test that kills its child costs only itself: a
/// fresh child resumes at the next test, within the exercise's wall budget.
///
/// Every figure comes from the kernel (the child's CPU clock, its /proc
/// status, wait4); a frame is only ever a claim about a result. Here: the
/// restart loop. The fork is ChildSpawn's, the watching ChildWatch's, the
/// frames ChildFrames', and what an end means ChildEnding's.
struct JobRunner {
    let runtime: PythonRuntime
    let prepared: PreparedExercise
    let job: JobRequest
    /// The submission's marshalled code, from a compile child.
    let code: [UInt8]

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
            let (status, ending) = ChildEnding.classify(end, job: job)
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

    /// One child, from test `start` to its end; nil when none could start.
    private func runChild(start: Int, budgetEnd: UInt64, sent: inout Int, response: inout JobResponse, blobs: inout [[UInt8]])
        -> ChildEnd?
    {
        let child: ChildSpawn
        switch ChildSpawn.start(runtime: runtime, prepared: prepared, job: job, code: code, start: start, timing: &response.timing) {
        case .success(let c): child = c
        case .failure(let error):
            response.internalError = error.description
            return nil
        }
        defer { child.closeDescriptors() }
        var watch = ChildWatch(child: child, start: start, job: job, prepared: prepared, budgetEnd: budgetEnd, alreadySent: sent)
        let end = watch.run(response: &response, blobs: &blobs)
        sent = watch.frames.received
        return end
    }
}
