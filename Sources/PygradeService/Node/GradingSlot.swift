import Foundation
import Logging
import PygradeKit
import PygradeQueue
import Synchronization

/// One slot of a grading node: a dedicated thread holding a grader, driven
/// by an async loop that claims a job, keeps its lease alive, grades it on
/// the thread and writes what came of it under the lease.
struct GradingSlot: Sendable {
    let index: Int
    let node: GradingNode

    private var queue: any JobQueue { node.queue }
    private var configuration: NodeConfiguration { node.configuration }

    func run() async {
        let thread = SlotThread(name: "pygrade-slot-\(index)")
        defer { thread.end() }
        let grader = SlotGrader(catalog: node.catalog, configuration: configuration)
        // A slot whose worker cannot start claims nothing (each job would
        // fail and use up an attempt): it tries again every few seconds.
        while !node.isStopping {
            if let problem = await thread.run({ grader.warm() }) {
                node.logger.error("slot \(index): the grader's worker does not start: \(problem)")
                node.setSlot(index, up: false)
                for _ in 0..<50 where !node.isStopping { try? await Task.sleep(for: .milliseconds(100)) }
                continue
            }
            node.setSlot(index, up: true)
            break
        }
        while !node.isStopping {
            let lease: Lease?
            do {
                lease = try await queue.claim(
                    worker: "\(configuration.workerName)/\(index)", exercisesSHA256: node.exercisesSHA256,
                    leaseSeconds: configuration.leaseSeconds)
            } catch {
                node.logger.warning("slot \(index): the queue did not answer a claim: \(error)")
                try? await Task.sleep(for: .seconds(configuration.pollSeconds))
                continue
            }
            guard let lease else {
                await queue.waitForJobs(timeout: configuration.pollSeconds)
                continue
            }
            await handle(lease, thread: thread, grader: grader)
        }
        node.setSlot(index, up: false)
    }

    private func handle(_ lease: Lease, thread: SlotThread, grader: SlotGrader) async {
        node.metrics.observeQueueWait(seconds: max(0, lease.claimedAt.timeIntervalSince(lease.createdAt)))
        let started = ContinuousClock.now
        let heartbeat = LeaseHeartbeat(queue: queue, lease: lease, leaseSeconds: configuration.leaseSeconds)
        defer { heartbeat.stop() }
        let payload = lease.payload
        let once = FirstResult<GradingOutcome?>()
        let outcome = await withCheckedContinuation { (c: CheckedContinuation<GradingOutcome?, Never>) in
            once.set(c)
            thread.submit { once.resume(grader.grade(payload: payload)) }
            // A shutdown whose grace period ends first gives the job back.
            once.watch(
                Task { [node] in
                    await node.waitForStopDeadline()
                    if !Task.isCancelled { once.resume(nil) }
                })
        }
        once.cancelWatch()
        guard let outcome else {
            node.logger.notice("slot \(index): \(lease.jobID) still running at the end of the grace period: released")
            _ = try? await queue.release(lease)
            return
        }
        if heartbeat.lost {
            node.logger.warning("slot \(index): the lease on \(lease.jobID) was lost while grading: its result is dropped")
            return
        }
        let written: Bool?
        switch outcome {
        case .report(let json):
            node.metrics.observeGrading(seconds: seconds(since: started))
            written = await write { try await queue.complete(lease, result: Data(json.utf8)) }
        case .refused(let reason):
            written = await write { try await queue.fail(lease, reason: reason, retry: false) }
        case .graderFailed(let reason):
            node.logger.error("slot \(index): grading \(lease.jobID) failed: \(reason); starting a fresh grader")
            await thread.run { grader.reset() }
            node.metrics.workerRestarted()
            written = await write { try await queue.fail(lease, reason: "the grader failed: \(reason)", retry: true) }
        }
        if written == false {
            node.logger.warning("slot \(index): the lease on \(lease.jobID) was no longer ours: the result was not written")
        }
    }

    /// A write under the lease, tried a few times while the queue does not
    /// answer (nil: it never did; the lease will expire and the job be graded again).
    private func write(_ body: () async throws -> Bool) async -> Bool? {
        for attempt in 1...3 {
            do { return try await body() } catch {
                node.logger.warning("slot \(index): the queue did not take a result (try \(attempt)): \(error)")
                try? await Task.sleep(for: .seconds(Double(attempt)))
            }
        }
        return nil
    }

    private func seconds(since start: ContinuousClock.Instant) -> Double {
        let d = ContinuousClock.now - start
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

/// Resumes a continuation with whichever value comes first (the grader's
/// result or the shutdown's deadline); later ones are ignored.
final class FirstResult<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, Never>?
        var done = false
        var watcher: Task<Void, Never>?
    }
    private let state = Mutex(State())

    func set(_ c: CheckedContinuation<T, Never>) {
        state.withLock { $0.continuation = c }
    }

    func resume(_ value: T) {
        let c: CheckedContinuation<T, Never>? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            defer { s.continuation = nil }
            return s.continuation
        }
        c?.resume(returning: value)
    }

    func watch(_ task: Task<Void, Never>) { state.withLock { $0.watcher = task } }

    func cancelWatch() { state.withLock { $0.watcher?.cancel() } }
}
