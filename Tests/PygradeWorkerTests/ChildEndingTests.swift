import Glibc
import PygradeKit
import Testing

@testable import PygradeWorker

/// How a child's end is classified: from why the worker killed it, else
/// from its wait status.
@Suite struct ChildEndingTests {
    func end(_ reason: ChildEnd.KillReason? = nil, status: Int32 = 0, rssKiB: Int = 0) -> ChildEnd {
        ChildEnd(phase: .testing(0), killReason: reason, waitStatus: status, maxRSSKiB: rssKiB, cpuMs: 0, jobOver: false)
    }

    @Test func whyTheWorkerKilledItComesFirst() throws {
        let job = try FrameBytes.job()
        #expect(ChildEnding.classify(end(.protocolViolation, status: SIGKILL), loading: false, job: job).0 == .sandboxViolation)
        #expect(ChildEnding.classify(end(.flood), loading: false, job: job).0 == .outputLimitExceeded)
        #expect(
            ChildEnding.classify(end(.wallTime), loading: true, job: job) == (.timeLimitExceeded, "loading the submission took too long"))
    }

    @Test func aSignalOrAnExitCode() throws {
        let job = try FrameBytes.job()
        #expect(ChildEnding.classify(end(status: SIGSYS), loading: false, job: job) == (.sandboxViolation, "made a forbidden system call"))
        #expect(ChildEnding.classify(end(status: SIGSEGV), loading: false, job: job) == (.runtimeError, "crashed (SIGSEGV)"))
        let nearTheLimit = Int(job.memoryBytes / 1024)
        #expect(ChildEnding.classify(end(status: SIGABRT, rssKiB: nearTheLimit), loading: false, job: job).0 == .memoryLimitExceeded)
        #expect(
            ChildEnding.classify(end(status: 3 << 8), loading: false, job: job)
                == (.runtimeError, "the process exited during the test (exit code 3)"))
    }
}
