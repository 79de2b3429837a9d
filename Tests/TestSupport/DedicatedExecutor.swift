import Foundation

/// A task executor with threads of its own. The cooperative pool has one
/// thread per core, and the end-to-end tests that run in the same process
/// block those threads while they wait for `pygrade` (synchronous tests
/// waiting for a process): a test whose in-process HTTP server or queue must
/// answer within a deadline runs its tasks here instead
/// (`withTaskExecutorPreference(DedicatedExecutor.shared)`), so that other
/// tests' waiting cannot stall it.
public final class DedicatedExecutor: TaskExecutor, @unchecked Sendable {
    public static let shared = DedicatedExecutor(threads: 4)

    private let condition = NSCondition()
    private var jobs: [UnownedJob] = []

    public init(threads: Int) {
        for i in 0..<threads {
            let thread = Thread { [unowned self] in self.serve() }
            thread.name = "pygrade-test-executor-\(i)"
            thread.start()
        }
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let unowned = UnownedJob(job)
        condition.lock()
        jobs.append(unowned)
        condition.signal()
        condition.unlock()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty { condition.wait() }
            let job = jobs.removeFirst()
            condition.unlock()
            job.runSynchronously(on: asUnownedTaskExecutor())
        }
    }
}
