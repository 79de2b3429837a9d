import CJobChild
import CPython
import Foundation
import Glibc
import PygradeProtocol

/// The worker's base: answers the orchestrator, compiles submissions, and
/// hands each job to its exercise's zygote.
final class WorkerBase {
    let runtime: PythonRuntime
    let channel: FramedPipe
    private var zygotes: [String: Zygote] = [:]
    /// Per exercise key, the rules its compile children check.
    private var ruleSets: [String: UnsafeMutablePointer<PyObject>] = [:]
    private let compiler: CompileRunner

    init(runtime: PythonRuntime, channel: FramedPipe) {
        self.runtime = runtime
        self.channel = channel
        compiler = CompileRunner(runtime: runtime)
    }

    func serve() -> Never {
        while true {
            let message: Message
            do {
                guard let m = try channel.receive() else { WorkerExit.finished.exit() }
                message = m
            } catch {
                WorkerExit.requestUnreadable.exit()
            }
            let reply: Message?
            do {
                switch try WorkerRequest(message) {
                case .prepare(let key, let spec): reply = try prepare(key: key, spec: spec)
                case .job(let job): reply = run(job, request: message)
                case .checkSources(let request): reply = try checkSources(request)
                }
            } catch {
                var r = JobResponse()
                r.internalError = "bad request: \(error)"
                reply = Message(binary: r)
            }
            if let reply {
                do { try channel.send(reply) } catch { WorkerExit.replyUnsent.exit() }
            }
            compiler.reap()
        }
    }

    private func prepare(key: String, spec: HarnessSpec) throws -> Message {
        let t = Clock.now
        if !spec.rules.isEmpty {
            let json = String(decoding: try JSONEncoder().encode(spec.rules), as: UTF8.self)
            do {
                if let sets = try runtime.ruleSets(json: json) { ruleSets[key] = sets }
            } catch {
                return try Message(PrepareResponse(ok: false, error: "\(error)", milliseconds: t.millisecondsElapsed))
            }
        }
        // The zygote is a copy of this process: the last file compiled, which
        // the compiler keeps, would be in it and in every job child it forks,
        // for whichever candidate comes next. Dropped (and so scrubbed) first.
        compiler.forget()
        let zygote: Zygote
        let answer: PrepareResponse
        let previews: [[UInt8]]
        do {
            (zygote, answer, previews) = try Zygote.start(runtime: runtime, spec: spec, others: Array(zygotes.values))
        } catch {
            return try Message(PrepareResponse(ok: false, error: "\(error)", milliseconds: t.millisecondsElapsed))
        }
        if answer.ok {
            zygotes[key] = zygote
        } else {
            zygote.stop()
        }
        return try Message(
            PrepareResponse(ok: answer.ok, error: answer.error, milliseconds: t.millisecondsElapsed), blobs: answer.ok ? previews : [])
    }

    /// Compiles the author's Python in a child, which answers and exits:
    /// the base itself never holds a test input, not even as a constant of
    /// code it compiled.
    private func checkSources(_ request: SourceCheckRequest) throws -> Message {
        let json = String(decoding: try JSONEncoder().encode(request.items), as: UTF8.self)
        var pipe: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&pipe) == 0 else {
            return try Message(SourceCheckResponse(error: SystemError("pipe2").description))
        }
        let pid = pg_fork_zygote()
        if pid == 0 {
            close(pipe[0])
            let response: SourceCheckResponse
            do {
                response = SourceCheckResponse(problems: try runtime.checkSources(itemsJSON: json))
            } catch {
                response = SourceCheckResponse(error: "\(error)")
            }
            _ = try? FramedPipe(readFD: -1, writeFD: pipe[1]).send(Message(response))
            WorkerExit.finished.exitNow()
        }
        let forkError = SystemError("fork")
        close(pipe[1])
        defer { close(pipe[0]) }
        guard pid > 0 else { return try Message(SourceCheckResponse(error: forkError.description)) }
        let answer = try? FramedPipe(readFD: pipe[0], writeFD: -1).receive()
        var status: Int32 = 0
        _ = try? retryingOnInterrupt("waitpid") { waitpid(pid, &status, 0) }
        guard let answer, let response = try? answer.decode(SourceCheckResponse.self) else {
            return try Message(SourceCheckResponse(error: "the source check child died"))
        }
        return try Message(response)
    }

    /// The reply, or nil when the zygote has sent it.
    private func run(_ job: JobRequest, request: Message) -> Message? {
        var response = JobResponse()
        guard pg_limits_unchanged() != 0 else { WorkerExit.limitsChanged.exit() }
        guard let source = request.blobs.first, let zygote = zygotes[job.exerciseKey] else {
            response.internalError = "exercise \(job.exerciseKey) was not prepared"
            return Message(binary: response)
        }
        let compiled: CompiledSource
        switch compiler.compile(
            filename: job.filename, source: source, wanted: job.checkRules ? job.exerciseKey : nil, ruleSets: ruleSets, limits: job)
        {
        case .failure(let f):
            response.internalError = f.description
            return Message(binary: response)
        case .success(let c): compiled = c
        }
        switch compiled.outcome {
        case .syntaxError(let line, let message):
            response.compile = .syntaxError
            response.syntaxLine = line
            response.syntaxMessage = message
            response.timing.compileMs = compiled.milliseconds
            return Message(binary: response)
        case .code(let code):
            let hits = job.checkRules ? compiled.ruleHits[job.exerciseKey] ?? [] : []
            guard
                zygote.run(
                    request, code: code,
                    compiled: .init(ruleHits: hits, compileMs: compiled.milliseconds, definedNames: compiled.definedNames))
            else {
                WorkerExit.zygoteLost.exit()
            }
            return nil
        }
    }
}
