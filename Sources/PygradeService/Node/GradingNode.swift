import Foundation
import Logging
import PygradeKit
import PygradeQueue
import ServiceLifecycle
import Synchronization

/// A grading node: `slots` grading slots that claim jobs whose exercises
/// hash is this node's, grade them with PygradeKit's `Grader` (warm workers,
/// one thread per slot) and store the report under the claim's lease.
///
/// A `Service`: on graceful shutdown it stops claiming, gives running jobs
/// `gracePeriod` seconds to finish, and releases the ones still running
/// (another worker takes them, the attempt not counted).
public final class GradingNode: Service, Sendable {
    /// What this node's jobs must carry as `exercisesSHA256`.
    public let exercisesSHA256: String
    let queue: any JobQueue
    let catalog: ExerciseCatalog
    let configuration: NodeConfiguration
    let metrics: ServiceMetrics
    let logger: Logger
    private let state: Mutex<State>

    struct State {
        var stopping = false
        var stopDeadline: ContinuousClock.Instant?
        var slotsUp: [Bool]
        var running = false
    }

    public init(
        queue: any JobQueue, catalog: ExerciseCatalog, exercisesSHA256: String? = nil, configuration: NodeConfiguration,
        metrics: ServiceMetrics, logger: Logger = Logger(label: "pygrade.node")
    ) {
        self.queue = queue
        self.catalog = catalog
        self.exercisesSHA256 = exercisesSHA256 ?? CatalogHash.of(catalog)
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
        state = Mutex(State(slotsUp: Array(repeating: false, count: max(0, configuration.slots))))
    }

    /// For /readyz: every slot's grader has its worker up, and the node is
    /// not stopping. A node with no slots grades nothing: never up.
    public var workersUp: Bool {
        state.withLock { s in s.running && !s.stopping && !s.slotsUp.isEmpty && s.slotsUp.allSatisfy { $0 } }
    }

    var isStopping: Bool { state.withLock { $0.stopping } }

    func setSlot(_ index: Int, up: Bool) { state.withLock { $0.slotsUp[index] = up } }

    public func run() async throws {
        state.withLock { $0.running = true }
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for index in 0..<max(0, configuration.slots) {
                    group.addTask { await GradingSlot(index: index, node: self).run() }
                }
            }
        } onGracefulShutdown: {
            self.stop()
        }
        state.withLock { $0.running = false }
    }

    /// Stops claiming; jobs still running after the grace period are released.
    public func stop() {
        state.withLock { s in
            guard !s.stopping else { return }
            s.stopping = true
            s.stopDeadline = .now + .seconds(configuration.gracePeriod)
        }
    }

    /// Returns once a shutdown began and its grace period is over (or when
    /// the calling task is cancelled).
    func waitForStopDeadline() async {
        while !Task.isCancelled {
            if let deadline = state.withLock({ $0.stopDeadline }), ContinuousClock.now >= deadline { return }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }
}
