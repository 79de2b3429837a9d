import Foundation
import PygradeKit

/// How a grading node runs: its slots, its leases, where it may write, and
/// the `pygrade` binary its graders start as workers.
public struct NodeConfiguration: Sendable {
    /// Grading slots: one thread and one grader each (0: the node grades nothing).
    public var slots: Int
    /// Seconds a claim holds a job; renewed every third of it while grading.
    public var leaseSeconds: Double
    /// Seconds running jobs get to finish once a shutdown begins; after
    /// that they are released to the queue for another worker.
    public var gracePeriod: Double
    /// Seconds an idle slot waits for a job before it asks the queue again.
    public var pollSeconds: Double
    /// The name leases are taken under (host and process, for the logs).
    public var workerName: String
    /// The node's own folder (inline assignments are written there for a
    /// moment, under names this code chooses).
    public var dataFolder: URL
    /// `pygrade`, started as `pygrade __worker` by every grader.
    public var workerExecutable: String
    /// The most one submission's sources may hold, in bytes.
    public var maxSubmissionBytes: Int
    public var sandbox: SandboxPolicy

    public init(
        slots: Int, leaseSeconds: Double = 60, gracePeriod: Double = 30, pollSeconds: Double = 0.5, workerName: String,
        dataFolder: URL, workerExecutable: String, maxSubmissionBytes: Int = Submission.defaultMaxBytes,
        sandbox: SandboxPolicy = .default
    ) {
        self.slots = slots
        self.leaseSeconds = leaseSeconds
        self.gracePeriod = gracePeriod
        self.pollSeconds = pollSeconds
        self.workerName = workerName
        self.dataFolder = dataFolder
        self.workerExecutable = workerExecutable
        self.maxSubmissionBytes = maxSubmissionBytes
        self.sandbox = sandbox
    }

    /// `host:pid`: what a lease's owner is called.
    public static func defaultWorkerName() -> String {
        "\(ProcessInfo.processInfo.hostName):\(getpid())"
    }
}
