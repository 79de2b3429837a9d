import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// A grader whose worker dies mid-job: the attempt fails for a retry, the
/// slot starts a fresh grader (a worker restart in /metrics), and after the
/// last attempt the job is the dead letter with the reason.
@Suite(.serialized)
struct NodeRestartTests {
    @Test func aWorkerKilledMidJobFailsTheAttemptAndTheSlotStartsAFreshGrader() async throws {
        let scripts = TemporaryFolder(prefix: "pygrade-node")
        // The real worker, which notes its process id and start time first.
        // The test kills the workers that grade each attempt: those started
        // after the attempt's claim (a job with its own limits gets a
        // grader, and a worker, of its own when it is graded; the slot's
        // warm worker, started before, sits idle: killing only that one had
        // let the attempt finish, and CI saw the job done on attempt 1).
        let pids = scripts.url.appendingPathComponent("pids")
        let wrapper = scripts.write(
            "pygrade", "#!/bin/sh\necho \"$$ $(date +%s.%N)\" >> '\(pids.path)'\nexec \(NodeFixture.pygrade) \"$@\"\n")
        chmod(wrapper.path, 0o755)
        /// Every worker started so far: its process id and start time.
        func started() -> [(pid: pid_t, at: Double)] {
            ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { line in
                let f = line.split(separator: " ")
                guard f.count == 2, let pid = pid_t(f[0]), let at = Double(f[1]) else { return nil }
                return (pid, at)
            }
        }
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, executable: wrapper.path)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(NodeLeaseTests.sleeper(30)), exercisesSHA256: node.exercisesSHA256)
        for attempt in 1...3 {
            var claimedAt = Date.distantFuture
            let claimed = await NodeFixture.eventually {
                guard let job = try? await queue.job(id), job.state == .running, job.attempts == attempt else { return false }
                claimedAt = job.claimedAt ?? .distantFuture
                return true
            }
            #expect(claimed, "attempt \(attempt) was claimed")
            // A grader replaces a worker that dies mid-job and runs the job
            // once more (WorkerClient.run): the attempt fails when the
            // second worker dies too.
            var since = claimedAt
            for worker in 1...2 {
                let grading = await NodeFixture.eventually {
                    started().contains { $0.at >= since.timeIntervalSince1970 }
                }
                #expect(grading, "worker \(worker) of attempt \(attempt) started")
                // Into its job (the job sleeps 30 s as it loads) on all but a
                // very loaded machine; a kill that still lands in the worker's
                // start-up fails it the same way.
                try await Task.sleep(for: .seconds(3))
                since = Date()
                for w in started() { kill(w.pid, SIGKILL) }
            }
        }
        let job = await queue.waitFor(id, [.done, .failed], timeout: 180)
        #expect(job?.state == .failed)
        #expect(job?.attempts == 3, "retried until the last attempt")
        #expect(job?.error?.hasPrefix("the grader failed: ") == true, "\(job?.error ?? "nil")")
        #expect(
            await NodeFixture.eventually { node.metrics.registry.emitToString().contains("pygrade_worker_restarts_total 3") },
            "\(node.metrics.registry.emitToString())")
        node.stop()
        try await running.value
    }
}
