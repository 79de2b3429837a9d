import CPygradeSupport
import Glibc
import PygradeProtocol

/// How one child ended, and what it left.
struct ChildEnd {
    typealias Phase = ChildFrames.Phase
    enum KillReason {
        case wallTime, cpuTime, budget, output, flood, protocolViolation, channelClosed, finishing
    }
    var phase: Phase
    var killReason: KillReason?
    var waitStatus: Int32
    var maxRSSKiB: Int
    var cpuMs: Double
    var jobOver: Bool
    /// What the test it died in had printed (kept, and in all).
    var captured: [UInt8] = []
    var outputCount = 0
}

/// What a child's end means for the test (or the loading) it ended in: a
/// status and why, from why the worker killed it or from its wait status.
enum ChildEnding {
    static func classify(_ end: ChildEnd, job: JobRequest) -> (TestStatus, Ending) {
        let status = end.waitStatus
        switch end.killReason {
        case .wallTime?: return (.timeLimitExceeded, .wallLimit)
        case .cpuTime?: return (.timeLimitExceeded, .cpuLimit)
        case .budget?: return (.timeLimitExceeded, .budget)
        case .output?: return (.outputLimitExceeded, .outputLimit(bytes: job.outputBytes))
        case .flood?: return (.outputLimitExceeded, .flood)
        case .protocolViolation?: return (.sandboxViolation, .forgedFrame)
        case .channelClosed?: return (.runtimeError, .channelClosed)
        case .finishing?, nil: break
        }
        if pg_wait_signaled(status) != 0 {
            let sig = pg_wait_term_signal(status)
            switch sig {
            case SIGXCPU, SIGKILL: return (.timeLimitExceeded, .cpuSignal)
            case SIGSYS: return (.sandboxViolation, .forbiddenCall)
            case SIGXFSZ: return (.outputLimitExceeded, .fileSize)
            case SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE:
                // Out of address space, C code often aborts instead of raising.
                if UInt64(end.maxRSSKiB) * 1024 >= job.memoryBytes * 8 / 10 {
                    return (.memoryLimitExceeded, .crashAtMemoryLimit(signal: sig))
                }
                return (.runtimeError, .crash(signal: sig))
            default: return (.runtimeError, .signal(sig))
            }
        }
        return (.runtimeError, .exit(pg_wait_exit_status(status)))
    }
}
