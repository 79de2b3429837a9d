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
        _ = pg_worker_process_setup()
        let channel = FramedPipe(readFD: 0, writeFD: 3)
        let start = Clock.now
        let runtime: PythonRuntime
        do {
            runtime = try PythonRuntime()
        } catch {
            try? channel.send(try! Message(PrepareResponse(ok: false, error: error.description, milliseconds: 0)))
            exit(70)
        }
        do {
            try channel.send(try Message(PrepareResponse(ok: true, milliseconds: start.millisecondsElapsed)))
        } catch {
            exit(71)
        }
        var prepared: [String: PreparedExercise] = [:]
        while true {
            let message: Message
            do {
                guard let m = try channel.receive() else { exit(0) }
                message = m
            } catch {
                exit(72)
            }
            let reply: Message
            do {
                switch try message.decode(WorkerRequest.self) {
                case .prepare(let key, let spec):
                    let t = Clock.now
                    do {
                        let json = String(decoding: try JSONEncoder().encode(spec), as: UTF8.self)
                        prepared[key] = try runtime.prepare(specJSON: json, resultLimit: 64 << 20)
                        reply = try Message(PrepareResponse(ok: true, milliseconds: t.millisecondsElapsed))
                    } catch {
                        reply = try Message(PrepareResponse(ok: false, error: "\(error)", milliseconds: t.millisecondsElapsed))
                    }
                case .job(let job):
                    guard let exercise = prepared[job.exerciseKey], let source = message.blobs.first else {
                        var r = JobResponse()
                        r.internalError = "exercise \(job.exerciseKey) was not prepared"
                        reply = try Message(r)
                        break
                    }
                    let (response, blobs) = JobRunner(runtime: runtime, prepared: exercise, job: job, source: source).run()
                    reapOrphans()
                    reply = try Message(response, blobs: blobs)
                }
            } catch {
                var r = JobResponse()
                r.internalError = "bad request: \(error)"
                reply = (try? Message(r)) ?? Message(header: [])
            }
            do { try channel.send(reply) } catch { exit(73) }
        }
    }

    /// Reaps whatever a job left behind (a forked grandchild, say).
    static func reapOrphans() {
        var status: Int32 = 0
        while waitpid(-1, &status, WNOHANG | __WALL) > 0 {}
    }
}
