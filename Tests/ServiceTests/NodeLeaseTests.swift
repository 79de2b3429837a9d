import Foundation
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// The node's leases: a shutdown gives a running job back after its grace
/// period, and a result whose lease was lost is never written.
@Suite(.serialized)
struct NodeLeaseTests {
    /// Loads for `seconds` (wall time, no CPU) before defining the entry point.
    /// A test's wall limit is twice its CPU limit plus one second: a CPU
    /// limit of 25 s keeps a sleep of up to 40 s from ending early as a time
    /// limit on a loaded machine.
    static func sleeper(_ seconds: Double) -> SubmissionRequest {
        SubmissionRequest(
            source: "import time\ntime.sleep(\(seconds))\n" + NodeFixture.reverseSolution, exercises: ["reverse"],
            limits: RequestLimits(time: 25, budget: 90))
    }

    @Test func aShutdownReleasesAJobStillRunningAfterTheGracePeriod() async throws {
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, grace: 0.5)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(Self.sleeper(40)), exercisesSHA256: node.exercisesSHA256)
        #expect(await NodeFixture.eventually { (try? await queue.job(id)?.state) == .running })
        let stopped = Date()
        node.stop()
        try await running.value
        #expect(Date().timeIntervalSince(stopped) < 20, "the node waits for the grace period, not for the 40 s job")
        let job = try await queue.job(id)
        #expect(job?.state == .queued)
        #expect(job?.attempts == 0, "a released attempt is not counted")
        #expect(await queue.completions[id] == nil)
        #expect(!node.workersUp)
    }

    @Test func aShutdownLetsAJobFinishWithinTheGracePeriod() async throws {
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, grace: 30)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(Self.sleeper(2)), exercisesSHA256: node.exercisesSHA256)
        #expect(await NodeFixture.eventually { (try? await queue.job(id)?.state) == .running })
        node.stop()
        try await running.value
        let job = try await queue.job(id)
        #expect(job?.state == .done, "\(job?.error ?? "")")
        #expect(job?.attempts == 1)
    }

    @Test func aResultWhoseLeaseWasLostIsDropped() async throws {
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        // Heartbeats every second; the job takes four.
        let node = try NodeFixture.node(queue, data: data, lease: 3)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(Self.sleeper(4)), exercisesSHA256: node.exercisesSHA256)
        #expect(await NodeFixture.eventually { (try? await queue.job(id)?.state) == .running })
        await queue.stealLease(id)
        // Long enough for the job to end and its result to be offered.
        try await Task.sleep(for: .seconds(7))
        let job = try await queue.job(id)
        #expect(job?.state == .running, "the lease's new holder owns the job")
        #expect(job?.result == nil)
        #expect(await queue.completions[id] == nil)
        node.stop()
        try await running.value
    }

    @Test func heartbeatsKeepALongJobsLease() async throws {
        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data, slots: 2, lease: 1.5)
        let running = Task { try await node.run() }
        let id = try await queue.add(NodeFixture.payload(Self.sleeper(4)), exercisesSHA256: node.exercisesSHA256)
        let job = await queue.waitFor(id, [.done, .failed])
        #expect(job?.state == .done, "\(job?.error ?? "")")
        #expect(job?.attempts == 1, "never re-leased by the idle slot: the heartbeat renewed it")
        #expect(await queue.claims.count == 1)
        node.stop()
        try await running.value
    }
}
