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
        // The real worker, which notes its process id first. The test kills
        // it once its job is running: a kill on a timer would, on a loaded
        // machine, land while the worker is still starting, and test the
        // start-up failure instead (NodeGradingTests has that one).
        let pids = scripts.url.appendingPathComponent("pids")
        let wrapper = scripts.write("pygrade", "#!/bin/sh\necho $$ >> '\(pids.path)'\nexec \(NodeFixture.pygrade) \"$@\"\n")
        chmod(wrapper.path, 0o755)
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, executable: wrapper.path)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(NodeLeaseTests.sleeper(30)), exercisesSHA256: node.exercisesSHA256)
        for attempt in 1...3 {
            let claimed = await NodeFixture.eventually {
                guard let job = try? await queue.job(id) else { return false }
                return job.state == .running && job.attempts == attempt
            }
            #expect(claimed, "attempt \(attempt) was claimed")
            // Every worker started so far: the one grading this attempt is
            // among them once it has started (a fresh grader may start its
            // worker after the claim), and the earlier ones are dead already.
            func started() -> [pid_t] {
                ((try? String(contentsOf: pids, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { pid_t($0) }
            }
            #expect(await NodeFixture.eventually { started().count >= attempt }, "the worker of attempt \(attempt) started")
            for pid in started() { kill(pid, SIGKILL) }
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
