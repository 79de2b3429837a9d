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
        // The real worker, killed three seconds after it starts.
        let wrapper = scripts.write("pygrade", "#!/bin/sh\nexec timeout -s KILL 3 \(NodeFixture.pygrade) \"$@\"\n")
        chmod(wrapper.path, 0o755)
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, executable: wrapper.path)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(NodeLeaseTests.sleeper(5)), exercisesSHA256: node.exercisesSHA256)
        let job = await queue.waitFor(id, [.done, .failed], timeout: 90)
        #expect(job?.state == .failed)
        #expect(job?.attempts == 3, "retried until the last attempt")
        #expect(job?.error?.hasPrefix("the grader failed: ") == true, "\(job?.error ?? "nil")")
        #expect(node.metrics.registry.emitToString().contains("pygrade_worker_restarts_total 3"))
        node.stop()
        try await running.value
    }
}
