import ArgumentParser
import Foundation
import Logging
import PygradeKit
import PygradeQueue
import PygradeService

/// `work`: grading slots on a shared queue, and nothing else (no HTTP, no
/// callbacks). On PostgreSQL, any number of machines; on SQLite, processes
/// of one machine sharing the data folder's queue file (SQLite has one
/// writer at a time: fine for a few workers, not for many machines).
struct WorkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Grade submissions from a shared queue (no HTTP): a grading worker for a pygrade serve node."
    )

    @Option(
        help:
            "The job queue: postgres://user[:password]@host:port/db (no password: $PGPASSWORD), or sqlite:PATH shared with serve on this machine."
    )
    var queue: String

    @Option(help: "Grading slots (default: the number of cores).")
    var jobs: Int?

    @OptionGroup var common: ServiceOptions

    func validate() throws {
        if let jobs, jobs < 1 || jobs > 256 { throw ValidationError("--jobs must be between 1 and 256") }
    }

    func run() async throws {
        let data = try common.dataFolder()
        let catalog = try common.catalog()
        let location = try common.queueLocation(queue, data: data)
        let pygrade = try Binaries.pygrade()
        let slots = jobs ?? ProcessInfo.processInfo.activeProcessorCount
        let jobQueue = try await common.open(location)
        let node = GradingNode(
            queue: jobQueue, catalog: catalog,
            configuration: NodeConfiguration(
                slots: slots, leaseSeconds: common.lease, workerName: NodeConfiguration.defaultWorkerName(), dataFolder: data,
                workerExecutable: pygrade),
            metrics: ServiceMetrics())
        FileHandle.standardError.write(
            Data(
                "pygrade-service: working on queue \(location), \(slots) job\(slots == 1 ? "" : "s"), exercises \(node.exercisesSHA256.prefix(12))\n"
                    .utf8))
        try await ServiceRunner.run(http: nil, dispatcher: nil, node: node, logger: Logger(label: "pygrade-service"))
        await jobQueue.close()
    }
}
