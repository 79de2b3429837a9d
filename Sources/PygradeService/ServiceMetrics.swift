import Prometheus
import PygradeQueue

/// What `/metrics` shows, in Prometheus text: the queue's depth and its jobs
/// by state (read from the queue when scraped, so every node agrees), and
/// what this process observed: grading and queue-wait latency, worker
/// restarts, callbacks. The metric names are defined here once.
public final class ServiceMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    private let grading: ValueHistogram
    private let queueWait: ValueHistogram
    private let restarts: Counter
    private let callbacks: [Bool: Counter]
    private let states: [JobState: Gauge]
    private let depth: Gauge

    /// Seconds: from 5 ms (a warm one-exercise grade) to 10 minutes.
    static let latencyBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600]

    public init() {
        grading = registry.makeValueHistogram(
            name: "pygrade_grading_seconds", buckets: Self.latencyBuckets,
            help: "Wall time from a job's claim to its report, on this node.")
        queueWait = registry.makeValueHistogram(
            name: "pygrade_queue_wait_seconds", buckets: Self.latencyBuckets,
            help: "Wall time from a job's submission to its claim, for jobs this node claimed.")
        restarts = registry.makeCounter(
            name: "pygrade_worker_restarts_total", help: "Grading slots of this node started again after their grader failed.")
        callbacks = [
            true: registry.makeCounter(
                name: "pygrade_callbacks_total", labels: [("outcome", "delivered")], help: "Callbacks sent by this node, by outcome."),
            false: registry.makeCounter(name: "pygrade_callbacks_total", labels: [("outcome", "failed")], help: "Callbacks sent by this node, by outcome."),
        ]
        var states: [JobState: Gauge] = [:]
        for s in JobState.allCases {
            states[s] = registry.makeGauge(name: "pygrade_jobs", labels: [("state", s.rawValue)], help: "Jobs in the queue, by state.")
        }
        self.states = states
        depth = registry.makeGauge(name: "pygrade_queue_depth", help: "Jobs waiting to be claimed (state queued).")
    }

    public func observeGrading(seconds: Double) { grading.record(seconds) }
    public func observeQueueWait(seconds: Double) { queueWait.record(seconds) }
    public func workerRestarted() { restarts.increment() }
    public func callbackEnded(delivered: Bool) { callbacks[delivered]?.increment() }

    /// The text for `/metrics`: the queue's counts read now, then everything.
    public func render(queue: any JobQueue) async throws -> String {
        let counts = try await queue.counts()
        for (s, g) in states { g.set(Double(counts[s] ?? 0)) }
        depth.set(Double(counts[.queued] ?? 0))
        return registry.emitToString()
    }
}
