import Glibc
import PygradeProtocol
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
        #expect(ChildEnding.classify(end(.protocolViolation, status: SIGKILL), job: job).0 == .sandboxViolation)
        #expect(ChildEnding.classify(end(.flood), job: job).0 == .outputLimitExceeded)
        #expect(
            ChildEnding.classify(end(.wallTime), job: job) == (.timeLimitExceeded, .wallLimit))
    }

    @Test func aSignalOrAnExitCode() throws {
        let job = try FrameBytes.job()
        #expect(ChildEnding.classify(end(status: SIGSYS), job: job) == (.sandboxViolation, .forbiddenCall))
        #expect(ChildEnding.classify(end(status: SIGSEGV), job: job) == (.runtimeError, .crash(signal: SIGSEGV)))
        let nearTheLimit = Int(job.memoryBytes / 1024)
        #expect(
            ChildEnding.classify(end(status: SIGABRT, rssKiB: nearTheLimit), job: job) == (
                .memoryLimitExceeded, .crashAtMemoryLimit(signal: SIGABRT)
            ))
        #expect(
            ChildEnding.classify(end(status: 3 << 8), job: job)
                == (.runtimeError, .exit(3)))
    }
}
