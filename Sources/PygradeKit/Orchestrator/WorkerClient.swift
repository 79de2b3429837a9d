import CPygradeSupport
import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// The orchestrator's handle on one worker process: the same binary, started
/// with the hidden `__worker` argument, talking over two pipes (its fd 0 for
/// requests, its fd 3 for responses; its stdout goes to /dev/null so that
/// nothing Python prints can ever corrupt the protocol).
///
/// Not thread-safe: one thread drives one worker.
public final class WorkerClient {
    public static let workerArgument = "__worker"

    private var pid: pid_t = 0
    private var channel = FramedPipe(readFD: -1, writeFD: -1)
    private var prepared: Set<String> = []
    private let executable: String
    /// How long the last spawn took, worker start-up (Python) included.
    public private(set) var spawnMs: Double = 0
    /// How long the last `run` spent building an exercise's inputs (0 when
    /// this worker had them already): a once-per-worker cost.
    public private(set) var lastPrepareMs: Double = 0
    /// The sandbox layers of the running worker, as it reported them.
    public private(set) var sandbox: [SandboxLayer] = []
    /// Per prepared exercise key, what its zygote sent of each test's
    /// arguments (HarnessSpec.argumentPreviewBytes): only ever asked for a
    /// visible-only exercise.
    public private(set) var argumentPreviews: [String: [[UInt8]]] = [:]

    public init(executable: String = WorkerClient.currentExecutable()) throws(ProtocolError) {
        self.executable = executable
        try spawn()
    }

    deinit { shutdown() }

    public static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    private func spawn() throws(ProtocolError) {
        let start = Clock.now
        var toWorker: [Int32] = [0, 0]
        var fromWorker: [Int32] = [0, 0]
        do {
            try retryingOnInterrupt("pipe2") { pg_pipe_cloexec(&toWorker) }
            try retryingOnInterrupt("pipe2") { pg_pipe_cloexec(&fromWorker) }
        } catch { throw ProtocolError(error) }
        // Keep our ends clear of 0...3, so that the dup2s below never target
        // a descriptor onto itself (which would leave it close-on-exec).
        func high(_ fd: Int32) -> Int32 {
            let h = fcntl(fd, F_DUPFD_CLOEXEC, 10)
            close(fd)
            return h
        }
        toWorker = toWorker.map(high)
        fromWorker = fromWorker.map(high)

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, toWorker[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_adddup2(&actions, fromWorker[1], 3)
        // Nothing else of this process: not every library marks its
        // descriptors close-on-exec (SwiftNIO's sockets and epoll are not),
        // and a worker that inherited `serve`'s listening socket and its
        // connections held each one open after the server closed it (a
        // connection closed for idling stayed up, the port stayed taken).
        let closing = pg_spawn_add_closefrom(&actions, 4)
        guard closing == 0 else { throw ProtocolError(SystemError("posix_spawn_file_actions_addclosefrom_np", code: closing)) }

        let argv: [UnsafeMutablePointer<CChar>?] = [strdup(executable), strdup(WorkerClient.workerArgument), nil]
        var envp: [UnsafeMutablePointer<CChar>?] = [
            strdup("LC_ALL=C.UTF-8"),
            // Every job child is forked from the worker and could read its
            // memory (ctypes is there for candidates), so a candidate's bytes
            // must not outlive their job in it: malloc overwrites what is
            // freed (perturb; the thread cache, which skips that, is off).
            // Job children turn perturb off again for the candidate's code.
            strdup("GLIBC_TUNABLES=glibc.malloc.tcache_count=0:glibc.malloc.perturb=165"),
            strdup("LD_BIND_NOW=1"),
        ]
        // Leaving layers out on purpose (tests, doctor): the worker reports
        // them missing, so nothing weakens silently.
        if let off = ProcessInfo.processInfo.environment["PYGRADE_SANDBOX_DISABLE"] {
            envp.append(strdup("PYGRADE_SANDBOX_DISABLE=\(off)"))
        }
        envp.append(nil)
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // A process group of its own: a Ctrl-C at the terminal reaches the
        // orchestrator alone, which decides (a batch finishes the candidates
        // in hand); a worker whose orchestrator dies goes with it anyway
        // (PR_SET_PDEATHSIG).
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        var child: pid_t = 0
        let rc = posix_spawn(&child, executable, &actions, &attributes, argv, envp)
        close(toWorker[0])
        close(fromWorker[1])
        guard rc == 0 else {
            close(toWorker[1])
            close(fromWorker[0])
            throw ProtocolError(SystemError("posix_spawn \(executable)", code: rc))
        }
        pid = child
        channel = FramedPipe(readFD: fromWorker[0], writeFD: toWorker[1])
        prepared = []
        argumentPreviews = [:]
        // The worker says hello once Python is up: spawn time includes it.
        guard let hello = try channel.receive(), let ok = try? hello.decode(PrepareResponse.self), ok.ok else {
            shutdown()
            throw ProtocolError(.startUp, "worker start-up")
        }
        sandbox = ok.sandbox ?? []
        spawnMs = start.millisecondsElapsed
    }

    public func shutdown() {
        if channel.writeFD >= 0 { close(channel.writeFD) }
        if channel.readFD >= 0 { close(channel.readFD) }
        channel = FramedPipe(readFD: -1, writeFD: -1)
        if pid > 0 {
            // An idle worker exits on EOF and then removes its scratch
            // folder: give it a moment before the kill.
            var status: Int32 = 0
            for _ in 0..<200 {
                if (try? retryingOnInterrupt("waitpid") { waitpid(pid, &status, WNOHANG) }) == pid {
                    pid = 0
                    return
                }
                usleep(1000)
            }
            kill(pid, SIGKILL)
            _ = try? retryingOnInterrupt("waitpid") { waitpid(pid, &status, 0) }
            pid = 0
        }
    }

    /// Builds exercises' inputs in this worker ahead of their jobs (each in
    /// its zygote), so that the first compile of a submission checks every
    /// exercise's rules at once. An exercise that fails here is left for
    /// `run`, which says why.
    public func prepare(_ exercises: [(key: String, exercise: Exercise)]) {
        for (key, exercise) in exercises where !prepared.contains(key) {
            do {
                if pid == 0 { try spawn() }
                try prepareNow(exercise, key: key)
            } catch {
                return
            }
        }
    }

    private func prepareNow(_ exercise: Exercise, key: String) throws {
        let spec = HarnessSpec(exercise)
        let request = WorkerRequest.prepare(key: key, spec: spec)
        try channel.send(try request.message())
        guard let reply = try channel.receive() else { throw ProtocolError(.closed) }
        let r = try reply.decode(PrepareResponse.self)
        guard r.ok else {
            throw ProtocolError(
                .exerciseBroken, "\(exercise.definitionFile.path): building the test inputs failed: \(r.error ?? "unknown error")")
        }
        prepared.insert(key)
        if spec.argumentPreviewBytes != nil && reply.blobs.count == exercise.tests.count { argumentPreviews[key] = reply.blobs }
    }

    /// Compiles (never runs) the Python of exercises' definitions in this
    /// worker (see SourceCheckRequest).
    public func checkSources(_ request: SourceCheckRequest) throws(ProtocolError) -> SourceCheckResponse {
        do {
            if pid == 0 { try spawn() }
            try channel.send(try WorkerRequest.checkSources(request).message())
            guard let reply = try channel.receive() else { throw ProtocolError(.closed) }
            let response = try reply.decode(SourceCheckResponse.self)
            if let error = response.error { throw ProtocolError(.failed, "checking the exercises' Python failed: \(error)") }
            return response
        } catch let e as ProtocolError where e.code == .closed || e.code == .failed {
            shutdown()
            throw e
        } catch {
            shutdown()
            throw ProtocolError(.failed, "checking the exercises' Python failed: \(error)")
        }
    }

    /// Runs a job, preparing the exercise in this worker first if needed.
    /// A worker that dies is replaced and the job retried once.
    public func run(_ job: JobRequest, source: [UInt8], exercise: Exercise) throws(ProtocolError) -> (JobResponse, [[UInt8]]) {
        var lastError = ""
        for attempt in 0..<2 {
            do {
                if attempt > 0 || pid == 0 {
                    shutdown()
                    try spawn()
                }
                lastPrepareMs = 0
                if !prepared.contains(job.exerciseKey) {
                    let prepareStart = Clock.now
                    defer { lastPrepareMs = prepareStart.millisecondsElapsed }
                    try prepareNow(exercise, key: job.exerciseKey)
                }
                try channel.send(try WorkerRequest.job(job).message(blobs: [source]))
                guard let reply = try channel.receive() else { throw ProtocolError(.closed) }
                return (try reply.decodeBinary(JobResponse.self), reply.blobs)
            } catch let e as ProtocolError where e.exerciseBroken {
                throw e
            } catch {
                lastError = "\(error)"
                shutdown()
            }
        }
        throw ProtocolError(.failed, "the worker failed twice: \(lastError)")
    }
}
