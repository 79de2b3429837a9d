import CJobChild
import CPython
import Foundation
import Glibc
import PygradeProtocol

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
        ChildSpawn.procReadable = !inOwnPIDNamespace || pg_sandbox_mount_proc() == 0
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
        withCStrings(paths) { if let list = $0 { _ = pg_sandbox_prepare_landlock(list, Int32(paths.count)) } }
        withCStrings(paths) { if let list = $0 { _ = pg_sandbox_read_only_library(list, Int32(paths.count)) } }
        _ = pg_sandbox_prepare_seccomp(Int32(PG_RESULT_FD))
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

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>?) -> R) -> R {
        let copies = strings.map { UnsafePointer(strdup($0)) }
        defer { copies.forEach { free(UnsafeMutablePointer(mutating: $0)) } }
        return copies.withUnsafeBufferPointer { body($0.baseAddress) }
    }
}
