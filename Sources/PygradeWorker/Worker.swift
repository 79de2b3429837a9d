import CPython
import CPythonShim
import Foundation
import Glibc
import PygradeKit

/// The worker process: synchronous and single-threaded on purpose, because
/// fork() copies only the calling thread. No Task, no Dispatch here.
///
/// Protocol (FramedPipe): requests on fd 0, responses on fd 3. First a hello
/// (a PrepareResponse) once Python is up, then one response per request.
public enum Worker {
    public static func main() -> Never {
        let start = Clock.now
        _ = pg_worker_process_setup()
        // Namespaces first, while this process is single-threaded and
        // before Python starts; only the zygote (PID 1 of its own PID
        // namespace, when there is one) returns.
        _ = pg_sandbox_enter()
        _ = pg_worker_process_setup()
        let channel = FramedPipe(readFD: 0, writeFD: 3)
        let runtime: PythonRuntime
        do {
            runtime = try PythonRuntime()
        } catch {
            try? channel.send(try! Message(PrepareResponse(ok: false, error: error.description, milliseconds: 0)))
            exit(70)
        }
        // The job children's filters, built once: the stdlib (sys.path)
        // stays readable, imports that were not pre-imported still work.
        let paths = runtime.modulePaths()
        withCStrings(paths) { _ = pg_sandbox_prepare_landlock($0, Int32(paths.count)) }
        _ = pg_sandbox_prepare_seccomp()
        pg_sandbox_note_child_layers()
        _ = pg_sandbox_check_memory_scrub()
        runtime.scrubEnvironment()
        do {
            try channel.send(try Message(PrepareResponse(ok: true, milliseconds: start.millisecondsElapsed, sandbox: layers())))
        } catch {
            exit(71)
        }
        var prepared: [String: PreparedExercise] = [:]
        let codeCache = CodeCache()
        while true {
            let message: Message
            do {
                guard let m = try channel.receive() else { exit(0) }
                message = m
            } catch {
                exit(72)
            }
            let reply: Message
            var ranJob = false
            do {
                switch try WorkerRequest(message) {
                case .prepare(let key, let spec):
                    let t = Clock.now
                    do {
                        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
                        prepared[key] = try runtime.prepare(specJSON: json, resultLimit: 64 << 20)
                        _ = pg_collapse_heap(2 << 20)
                        // Building the inputs ran Python code that may have
                        // evicted the AST classes from the type cache.
                        _ = pg_rules_warm(runtime.compile)
                        reply = try Message(PrepareResponse(ok: true, milliseconds: t.millisecondsElapsed))
                    } catch {
                        reply = try Message(PrepareResponse(ok: false, error: "\(error)", milliseconds: t.millisecondsElapsed))
                    }
                case .job(let job):
                    guard let exercise = prepared[job.exerciseKey], let source = message.blobs.first else {
                        var r = JobResponse()
                        r.internalError = "exercise \(job.exerciseKey) was not prepared"
                        reply = Message(binary: r)
                        break
                    }
                    let (response, blobs) = JobRunner(runtime: runtime, prepared: exercise, job: job, source: source, codeCache: codeCache)
                        .run()
                    ranJob = true
                    reply = Message(binary: response, blobs: blobs)
                }
            } catch {
                var r = JobResponse()
                r.internalError = "bad request: \(error)"
                reply = Message(binary: r)
            }
            do { try channel.send(reply) } catch { exit(73) }
            if ranJob {
                // While the orchestrator reads the reply: the job's children
                // (killed once their last frame was in) are gone for good
                // before scratch is emptied, so nothing of theirs is left
                // there for the next job.
                reapJobChildren()
                pg_sandbox_clean_scratch()
            }
        }
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

    /// Reaps every child a job left: its children, killed but maybe not yet
    /// dead, and anything that came back to this subreaper. Waits for them
    /// (SIGKILLed, they exit promptly), up to two seconds.
    static func reapJobChildren() {
        let start = Clock.now
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG | __WALL)
            if pid > 0 { continue }
            if pid < 0 && errno == EINTR { continue }
            if pid < 0 || start.millisecondsElapsed > 2000 { return }  // ECHILD: none left
            usleep(50)
        }
    }
}
