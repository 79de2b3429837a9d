import CPygradeSupport
import Glibc
import PygradeKit

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
    static func classify(_ end: ChildEnd, loading: Bool, job: JobRequest) -> (TestStatus, String) {
        let status = end.waitStatus
        switch end.killReason {
        case .wallTime?:
            return (.timeLimitExceeded, loading ? "loading the submission took too long" : "ran past the wall-clock limit")
        case .cpuTime?:
            return (.timeLimitExceeded, loading ? "loading the submission used all its CPU time" : "used all its CPU time")
        case .budget?: return (.timeLimitExceeded, CandidateText.budget)
        case .output?: return (.outputLimitExceeded, "printed more than \(job.outputBytes) bytes")
        case .flood?: return (.outputLimitExceeded, CandidateText.flood)
        case .protocolViolation?: return (.sandboxViolation, "wrote forged data into the result channel")
        case .channelClosed?: return (.runtimeError, "closed its result channel and kept running")
        case .finishing?, nil: break
        }
        if pg_wait_signaled(status) != 0 {
            let sig = pg_wait_term_signal(status)
            switch sig {
            case SIGXCPU, SIGKILL: return (.timeLimitExceeded, "used all its CPU time")
            case SIGSYS: return (.sandboxViolation, "made a forbidden system call")
            case SIGXFSZ: return (.outputLimitExceeded, "wrote a file larger than allowed")
            case SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE:
                // Out of address space, C code often aborts instead of raising.
                if UInt64(end.maxRSSKiB) * 1024 >= job.memoryBytes * 8 / 10 {
                    return (.memoryLimitExceeded, "crashed (\(signalName(sig))) at the memory limit")
                }
                return (.runtimeError, "crashed (\(signalName(sig)))")
            default: return (.runtimeError, "killed by signal \(sig)")
            }
        }
        let code = pg_wait_exit_status(status)
        return (.runtimeError, "the process exited during the test (exit code \(code))")
    }
}

/// A signal's name as reports give it.
func signalName(_ sig: Int32) -> String {
    switch sig {
    case SIGSEGV: "SIGSEGV"
    case SIGBUS: "SIGBUS"
    case SIGABRT: "SIGABRT"
    case SIGILL: "SIGILL"
    case SIGFPE: "SIGFPE"
    case SIGKILL: "SIGKILL"
    case SIGXCPU: "SIGXCPU"
    default: "signal \(sig)"
    }
}
