import CPython
import CPythonShim
import Foundation
import Glibc
import PygradeProtocol

/// Why a worker process stops on its own. The orchestrator sees the channel
/// close and, for a job, retries once in a fresh worker.
enum WorkerExit: Int32 {
    case pythonFailed = 70
    case helloUnsent = 71
    case requestUnreadable = 72
    case replyUnsent = 73
    /// Its resource limits are not those it started with: no job runs under
    /// limits a candidate might have set.
    case limitsChanged = 74
    /// An exercise's zygote died: the worker cannot vouch for the next job.
    case zygoteLost = 75
    /// Scratch could not be made empty for the next job.
    case scratchNotEmpty = 76

    func exit() -> Never { Glibc.exit(rawValue) }
}

/// The worker process: synchronous and single-threaded on purpose, because
/// fork() copies only the calling thread. No Task, no Dispatch here.
///
/// Protocol (FramedPipe): requests on fd 0, responses on fd 3. First a hello
/// (a PrepareResponse) once Python is up, then one response per request.
///
/// The process that answers is the worker's base: it never builds a test
/// input. Each exercise prepared gets a zygote of its own, forked from the
/// base, which builds that exercise's inputs and forks its job children, so
/// that a child holds its own exercise's inputs and no other's. Compile
/// children are forked from the base, which holds none at all.
public enum Worker {
    public static func main() -> Never {
        let start = Clock.now
        _ = pg_worker_process_setup()
        // Namespaces first, while this process is single-threaded and
        // before Python starts; only the zygote (PID 1 of its own PID
        // namespace, when there is one) returns.
        _ = pg_sandbox_enter()
        _ = pg_worker_process_setup()
        // A job child's /proc/PID is read for its peak memory: /proc must
        // be this PID namespace's (or the namespace must be the machine's).
        let inOwnPIDNamespace = pg_sandbox_layer(Int32(PG_LAYER_PIDNS))?.pointee.active != 0
        JobRunner.procReadable = !inOwnPIDNamespace || pg_sandbox_mount_proc() == 0
        // Not dumpable (after the uid map is written, which needs it): the
        // /proc/PID/mem of the base and of each zygote (another exercise's
        // inputs) is out of reach of a job child, Landlock or not.
        _ = pg_worker_undumpable()
        let channel = FramedPipe(readFD: 0, writeFD: 3)
        let runtime: PythonRuntime
        do {
            runtime = try PythonRuntime()
        } catch {
            try? channel.send(Message(PrepareResponse(ok: false, error: error.description, milliseconds: 0)))
            WorkerExit.pythonFailed.exit()
        }
        // The job children's filters, built once: the stdlib (sys.path)
        // stays readable, imports that were not pre-imported still work.
        let paths = runtime.modulePaths()
        withCStrings(paths) { _ = pg_sandbox_prepare_landlock($0, Int32(paths.count)) }
        _ = pg_sandbox_prepare_seccomp()
        pg_sandbox_note_child_layers()
        _ = pg_sandbox_check_memory_scrub()
        runtime.scrubEnvironment()
        pg_limits_record()
        do {
            try channel.send(Message(PrepareResponse(ok: true, milliseconds: start.millisecondsElapsed, sandbox: layers())))
        } catch {
            WorkerExit.helloUnsent.exit()
        }
        WorkerBase(runtime: runtime, channel: channel).serve()
    }

    static func layers() -> [SandboxLayer] {
        (0..<Int32(PG_LAYER_COUNT)).compactMap { i in
            guard let l = pg_sandbox_layer(i)?.pointee, let name = l.name else { return nil }
            let detail = withUnsafeBytes(of: l.detail) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            return SandboxLayer(name: String(cString: name), active: l.active != 0, detail: detail)
        }
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
        let copies = strings.map { UnsafePointer(strdup($0)) }
        defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}

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
                guard let m = try channel.receive() else { exit(0) }
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
            return try Message(SourceCheckResponse(error: "pipe2: \(String(cString: strerror(errno)))"))
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
            _exit(0)
        }
        close(pipe[1])
        defer { close(pipe[0]) }
        guard pid > 0 else { return try Message(SourceCheckResponse(error: "fork: \(String(cString: strerror(errno)))")) }
        let answer = try? FramedPipe(readFD: pipe[0], writeFD: -1).receive()
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
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
