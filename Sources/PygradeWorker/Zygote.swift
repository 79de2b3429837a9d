import CJobChild
import CPython
import Foundation
import Glibc
import PygradeProtocol

/// One exercise's zygote: a fork of the worker's base that builds that
/// exercise's inputs once and then forks its job children, one job at a
/// time, for as long as the worker lives. Its children inherit its inputs
/// without rebuilding them (a million-leaf list costs nothing per
/// candidate), and no other exercise's.
struct Zygote {
    let pid: pid_t
    let channel: FramedPipe

    /// Forks the zygote and waits for its inputs to be built. `others`: the
    /// zygotes already there, whose channels the new one must not hold.
    /// The answer's blobs: the tests' argument previews, when the spec asks.
    static func start(runtime: PythonRuntime, spec: HarnessSpec, others: [Zygote]) throws -> (Zygote, PrepareResponse, [[UInt8]]) {
        let specJSON = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
        var toZygote: [Int32] = [0, 0]
        var fromZygote: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&toZygote) == 0, pg_pipe_cloexec(&fromZygote) == 0 else {
            throw WorkerFailure(SystemError("pipe2"))
        }
        let pid = pg_fork_zygote()
        if pid == 0 {
            close(toZygote[1])
            close(fromZygote[0])
            for o in others {
                close(o.channel.readFD)
                close(o.channel.writeFD)
            }
            // The orchestrator's requests are the base's to read; its replies
            // to jobs go out from here directly (a large result is not copied
            // through the base), on a descriptor the job children never get
            // (they keep 0 to 3 only).
            let reply = fcntl(3, F_DUPFD_CLOEXEC, 10)
            let devnull = open("/dev/null", O_RDWR)
            dup2(devnull, 0)
            dup2(devnull, 3)
            close(devnull)
            serve(
                runtime: runtime, specJSON: specJSON, previewBytes: spec.argumentPreviewBytes,
                channel: FramedPipe(readFD: toZygote[0], writeFD: fromZygote[1]),
                orchestrator: FramedPipe(readFD: -1, writeFD: reply))
        }
        close(toZygote[0])
        close(fromZygote[1])
        let forkError = SystemError("fork")
        let zygote = Zygote(pid: pid, channel: FramedPipe(readFD: fromZygote[0], writeFD: toZygote[1]))
        guard pid > 0 else {
            zygote.stop()
            throw WorkerFailure(forkError)
        }
        guard let hello = try? zygote.channel.receive(), let answer = try? hello.decode(PrepareResponse.self) else {
            zygote.stop()
            throw WorkerFailure(.zygoteLost, "the exercise's zygote died while building its inputs")
        }
        return (zygote, answer, hello.blobs)
    }

    /// What the base knows of a job that its zygote reports with it: the
    /// compile child's rule hits, time and the names the source defines.
    /// Binary: it is on every job's path.
    struct Compiled: BinaryCodable {
        var ruleHits: [RuleHit]
        var compileMs: Double
        var definedNames: [String]

        init(ruleHits: [RuleHit], compileMs: Double, definedNames: [String]) {
            self.ruleHits = ruleHits
            self.compileMs = compileMs
            self.definedNames = definedNames
        }

        func write(to out: inout BinaryWriter) {
            out.array(ruleHits) { o, h in
                o.string(h.id)
                o.int(h.line)
            }
            out.double(compileMs)
            out.array(definedNames) { $0.string($1) }
        }

        init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
            ruleHits = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in
                RuleHit(id: try r.string(), line: try r.int())
            }
            compileMs = try r.double()
            definedNames = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        }
    }

    /// One job: the zygote answers the orchestrator itself, then tells the
    /// base it has. False when the zygote is gone (the base must then stop,
    /// so that the orchestrator is not left waiting for an answer).
    /// `request`: the job as the orchestrator sent it (its header, passed on
    /// as it came).
    func run(_ request: Message, code: [UInt8], compiled: Compiled) -> Bool {
        do {
            try channel.send(Message(header: request.header, blobs: [code, Message(binary: compiled).header]))
            return try channel.receive() != nil
        } catch {
            return false
        }
    }

    func stop() {
        close(channel.readFD)
        close(channel.writeFD)
        if pid > 0 {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = try? retryingOnInterrupt("waitpid") { waitpid(pid, &status, 0) }
        }
    }

    // MARK: In the zygote

    private static func serve(
        runtime: PythonRuntime, specJSON: String, previewBytes: Int?, channel: FramedPipe, orchestrator: FramedPipe
    ) -> Never {
        let t = Clock.now
        let prepared: PreparedExercise
        do {
            prepared = try runtime.prepare(specJSON: specJSON, resultLimit: JobRequest.maxResultBytes, previewBytes: previewBytes)
        } catch {
            try? channel.send(Message(PrepareResponse(ok: false, error: "\(error)", milliseconds: t.millisecondsElapsed)))
            WorkerExit.finished.exit()
        }
        // The inputs on huge pages: a fork copies one page-table entry per
        // 2 MiB of them instead of 512.
        _ = pg_collapse_heap(2 << 20)
        // Once here rather than in every job child (which would otherwise
        // look the definitions up again); a child whose zygote failed
        // tries again and reports its set-up failure.
        var why = [CChar](repeating: 0, count: 256)
        _ = pg_guards_install(&why, why.count)
        do {
            try channel.send(Message(PrepareResponse(ok: true, milliseconds: t.millisecondsElapsed), blobs: prepared.argumentPreviews))
        } catch {
            WorkerExit.finished.exit()
        }
        while true {
            guard let message = try? channel.receive() else { WorkerExit.finished.exit() }
            guard pg_limits_unchanged() != 0 else { WorkerExit.limitsChanged.exit() }
            guard pg_sandbox_reset_scratch() == 0 else { WorkerExit.scratchNotEmpty.exit() }
            let reply: Message
            if let job = try? message.decodeBinary(JobRequest.self), message.blobs.count == 2,
                let compiled = try? Message(header: message.blobs[1]).decodeBinary(Compiled.self)
            {
                var (response, blobs) = JobRunner(runtime: runtime, prepared: prepared, job: job, code: message.blobs[0]).run()
                // The compile child's hits (with their lines), then any the
                // job children found at run time.
                response.ruleHits = compiled.ruleHits + response.ruleHits
                response.timing.compileMs = compiled.compileMs
                // Set here, after the job: the names come from the compile
                // child, never from a job child (which holds the inputs).
                response.definedNames = response.load == .missing ? compiled.definedNames : []
                reply = Message(binary: response, blobs: blobs)
            } else {
                var r = JobResponse()
                r.internalError = "the zygote got a request it cannot read"
                reply = Message(binary: r)
            }
            do { try orchestrator.send(reply) } catch { WorkerExit.finished.exit() }
            // While the orchestrator reads the reply: the job's children
            // (killed once their last frame was in) are gone for good before
            // scratch is reset, so nothing of theirs is left there for the
            // next job. Only then is the base told the job is done: every
            // zygote of this worker shares the scratch mount, and a reset
            // here while another exercise's job runs would put a fresh tmpfs
            // under that job (the base hands out the next job only after
            // this acknowledgement).
            reapJobChildren()
            guard pg_sandbox_reset_scratch() == 0 else { WorkerExit.scratchNotEmpty.exit() }
            do { try channel.send(Message(header: [1])) } catch { WorkerExit.finished.exit() }
        }
    }

    /// Reaps every child a job left: its children, killed but maybe not yet
    /// dead, and anything that came back to this subreaper. Waits for them
    /// (SIGKILLed, they exit promptly), up to two seconds.
    static func reapJobChildren() {
        let start = Clock.now
        var status: Int32 = 0
        while true {
            // ECHILD: none left.
            guard let pid = try? retryingOnInterrupt("waitpid", { waitpid(-1, &status, WNOHANG | __WALL) }) else { return }
            if pid > 0 { continue }
            if start.millisecondsElapsed > 2000 { return }
            usleep(50)
        }
    }
}
