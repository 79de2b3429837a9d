import CJobChild
import CPython
import Glibc
import PygradeProtocol

/// A submission's file as a compile child left it: its code, or the
/// compiler's words, and the static rule hits of each exercise asked about.
struct CompiledSource {
    enum Outcome {
        case code([UInt8])
        case syntaxError(line: Int, message: String)
    }
    var outcome: Outcome
    /// Per exercise key (only exercises with rules).
    var ruleHits: [String: [RuleHit]]
    var milliseconds: Double
    /// What the module's own code defines with `def` and `class`, read from
    /// its code (compile.c): no candidate code ran, so it holds no input.
    var definedNames: [String] = []
}

/// Compiles submissions in compile children (compile.c), forked from the
/// worker's base: it holds no test input, and no candidate code runs in
/// them, so a syntax error's words and the rule hits can be reported as
/// they come. The code of the last file compiled is kept: a file holding
/// every exercise's function is compiled once for all of them.
final class CompileRunner {
    let runtime: PythonRuntime
    private var lastKey: [UInt8] = []
    /// Compile children killed and not yet waited for.
    private(set) var unreaped: [pid_t] = []
    private var last: CompiledSource?

    init(runtime: PythonRuntime) { self.runtime = runtime }

    /// Drops the code kept of the last file: a process forked from the base
    /// after this holds no candidate's code (what is freed is scrubbed).
    func forget() {
        last = nil
        lastKey = []
    }

    /// Waits for the compile children already killed.
    func reap() {
        for pid in unreaped {
            var status: Int32 = 0
            _ = try? retryingOnInterrupt("waitpid") { waitpid(pid, &status, 0) }
        }
        unreaped = []
    }

    /// The source compiled, with the rules of `wanted` checked (each a key
    /// and its rule sets). Any exercise's rules in `others` are checked in
    /// the same child, so that later exercises find them done.
    func compile(
        filename: String, source: [UInt8], wanted: String?, ruleSets: [String: UnsafeMutablePointer<PyObject>],
        limits job: JobRequest
    ) -> Result<CompiledSource, WorkerFailure> {
        let key = Digest.sha256(Array(filename.utf8) + [0] + source)
        if key == lastKey, let last, wanted.map({ last.ruleHits[$0] != nil }) ?? true {
            var cached = last
            cached.milliseconds = 0
            return .success(cached)
        }
        let keys = ruleSets.keys.sorted()
        let start = Clock.now
        let result = run(filename: filename, source: source, keys: keys, ruleSets: keys.compactMap { ruleSets[$0] }, job: job)
        if case .success(var compiled) = result {
            compiled.milliseconds = start.millisecondsElapsed
            lastKey = key
            last = compiled
            return .success(compiled)
        }
        return result
    }

    private func run(
        filename: String, source: [UInt8], keys: [String], ruleSets: [UnsafeMutablePointer<PyObject>], job: JobRequest
    ) -> Result<CompiledSource, WorkerFailure> {
        // Before the pipes, so that a failure here leaves nothing open.
        guard let sets = PyTuple_New(ruleSets.count) else {
            PyErr_Clear()
            return .failure(WorkerFailure(.noMemory, "no memory for the rule sets"))
        }
        for (i, s) in ruleSets.enumerated() {
            pg_incref(s)
            PyTuple_SetItem(sets, i, s)
        }
        defer { pg_decref(sets) }
        var secret = pg_compile_job().secret
        guard FrameReader.draw(into: &secret) else { return .failure(WorkerFailure(SystemError("getrandom"))) }
        // The result channel is a socket, as a job child's (ChildSpawn).
        var resultPipe: [Int32] = [0, 0]
        guard pg_result_channel(&resultPipe) == 0 else { return .failure(WorkerFailure(SystemError("socketpair"))) }
        var outputPipe: [Int32] = [0, 0]
        guard pg_pipe_cloexec(&outputPipe) == 0 else {
            let error = WorkerFailure(SystemError("pipe2"))
            close(resultPipe[0])
            close(resultPipe[1])
            return .failure(error)
        }
        let pid: pid_t = source.withUnsafeBufferPointer { src in
            filename.withCString { name in
                var spec = pg_compile_job()
                spec.result_fd = resultPipe[1]
                spec.output_fd = outputPipe[1]
                spec.limits = pg_policy_compile_limits(job.loadCPUSeconds + 1, pg_self_vm_bytes() + job.memoryBytes)
                spec.secret = secret
                spec.source = src.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
                spec.source_len = src.count
                spec.filename = name
                spec.compile = runtime.compile
                spec.rule_sets = sets
                return pg_spawn_compile(&spec)
            }
        }
        let forkError = SystemError("fork")
        close(resultPipe[1])
        close(outputPipe[1])
        defer {
            close(resultPipe[0])
            close(outputPipe[0])
        }
        guard pid > 0 else { return .failure(WorkerFailure(forkError)) }
        _ = fcntl(resultPipe[0], F_SETFL, O_NONBLOCK)
        _ = fcntl(outputPipe[0], F_SETFL, O_NONBLOCK)
        // Killed as soon as it has said all it will; reaped after the reply
        // is out (WorkerBase), not while the orchestrator waits.
        defer {
            kill(pid, SIGKILL)
            unreaped.append(pid)
        }
        var frames = CompileFrames(keys: keys, resultBytes: job.resultBytes, secret: FrameReader.bytes(of: secret))
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        let started = Clock.now
        var why = "ended without a word"
        while true {
            let wallLeft = job.loadWallSeconds - started.millisecondsElapsed / 1000
            let cpu = pg_process_cpu_seconds(pid)
            if wallLeft <= 0 || cpu > job.loadCPUSeconds {
                why = "took too long"
                break
            }
            var fds = [pollfd(fd: resultPipe[0], events: Int16(POLLIN), revents: 0)]
            // EINTR (here and on the read below) goes back to the deadline.
            let n = poll(&fds, 1, Int32(max(1, min(wallLeft, 0.05) * 1000)))
            if n <= 0 { continue }
            // Nothing in it runs candidate code: what it prints (nothing) is
            // dropped so that it can never block.
            _ = read(outputPipe[0], &chunk, chunk.count)
            let r = read(resultPipe[0], &chunk, chunk.count)
            if r == 0 { break }
            if r < 0 { if errno == EAGAIN || errno == EINTR { continue } else { break } }
            guard frames.take(chunk[0..<r]) else { break }
            switch frames.next() {
            case .more: continue
            case .compiled(let compiled): return .success(compiled)
            case .failed(let failure): return .failure(failure)
            }
        }
        // It died or hung inside the compiler: source nested too deep for it.
        var status: Int32 = 0
        var info = siginfo_t()
        if waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0 && info._sifields._sigchld.si_pid == pid {
            status = info._sifields._sigchld.si_status
            if info.si_code == CLD_KILLED || info.si_code == CLD_DUMPED { why = "crashed (\(signalName(status)))" }
        }
        return .success(
            CompiledSource(
                outcome: .syntaxError(line: 0, message: "the compiler could not handle this source (\(why))"), ruleHits: [:],
                milliseconds: 0))
    }
}
