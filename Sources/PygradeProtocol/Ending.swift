import CPygradeSupport

#if canImport(Glibc)
    import Glibc
#endif

/// How a child ended, when the worker (not the child) says why a test or
/// the load has no result: a code with its bounded parameter (PG_END_* in
/// pygrade_protocol.h). The worker sends this and never words it; the
/// orchestrator words each once (FailureWords). A child's own words (an
/// exception it raised) travel apart, as its text, for the orchestrator to
/// sift (CandidateText).
public enum Ending: Equatable, Sendable, Codable {
    /// Ran past its wall-clock limit.
    case wallLimit
    /// Used its CPU time, as the worker measured it.
    case cpuLimit
    /// Killed by SIGXCPU or SIGKILL: the kernel's CPU limit.
    case cpuSignal
    /// Ran past the exercise's wall budget; or was not run because an
    /// earlier test did.
    case budget, notRunBudget
    /// Printed more than `bytes` (the job's output limit).
    case outputLimit(bytes: Int)
    /// Sent more result data than allowed; or was not run because an
    /// earlier test did.
    case flood, notRunFlood
    /// Wrote a frame the protocol did not allow where it came.
    case forgedFrame
    /// Closed its result channel and kept running.
    case channelClosed
    /// SIGXFSZ: wrote a file larger than allowed.
    case fileSize
    /// SIGSYS: made a system call seccomp forbids.
    case forbiddenCall
    /// A crash signal (SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE), near the
    /// memory limit or not.
    case crash(signal: Int32)
    case crashAtMemoryLimit(signal: Int32)
    /// Any other signal.
    case signal(Int32)
    /// Exited during the test, with this code.
    case exit(Int32)

    /// The code and parameter that travel.
    public var code: (Int, Int) {
        switch self {
        case .wallLimit: (PG_END_WALL_LIMIT, 0)
        case .cpuLimit: (PG_END_CPU_LIMIT, 0)
        case .cpuSignal: (PG_END_CPU_SIGNAL, 0)
        case .budget: (PG_END_BUDGET, 0)
        case .notRunBudget: (PG_END_NOT_RUN_BUDGET, 0)
        case .outputLimit(let bytes): (PG_END_OUTPUT_LIMIT, bytes)
        case .flood: (PG_END_FLOOD, 0)
        case .notRunFlood: (PG_END_NOT_RUN_FLOOD, 0)
        case .forgedFrame: (PG_END_FORGED_FRAME, 0)
        case .channelClosed: (PG_END_CHANNEL_CLOSED, 0)
        case .fileSize: (PG_END_FILE_SIZE, 0)
        case .forbiddenCall: (PG_END_FORBIDDEN_CALL, 0)
        case .crash(let s): (PG_END_CRASH, Int(s))
        case .crashAtMemoryLimit(let s): (PG_END_CRASH_AT_MEMORY, Int(s))
        case .signal(let s): (PG_END_SIGNAL, Int(s))
        case .exit(let c): (PG_END_EXIT, Int(c))
        }
    }

    /// Nil for a code no worker sends. A number is taken as it comes: what
    /// of it may be shown, FailureWords decides.
    public init?(code: Int, parameter p: Int) {
        let signal = Int32(exactly: p)
        switch code {
        case PG_END_WALL_LIMIT: self = .wallLimit
        case PG_END_CPU_LIMIT: self = .cpuLimit
        case PG_END_CPU_SIGNAL: self = .cpuSignal
        case PG_END_BUDGET: self = .budget
        case PG_END_NOT_RUN_BUDGET: self = .notRunBudget
        case PG_END_OUTPUT_LIMIT where p >= 0: self = .outputLimit(bytes: p)
        case PG_END_FLOOD: self = .flood
        case PG_END_NOT_RUN_FLOOD: self = .notRunFlood
        case PG_END_FORGED_FRAME: self = .forgedFrame
        case PG_END_CHANNEL_CLOSED: self = .channelClosed
        case PG_END_FILE_SIZE: self = .fileSize
        case PG_END_FORBIDDEN_CALL: self = .forbiddenCall
        case PG_END_CRASH:
            guard let signal else { return nil }
            self = .crash(signal: signal)
        case PG_END_CRASH_AT_MEMORY:
            guard let signal else { return nil }
            self = .crashAtMemoryLimit(signal: signal)
        case PG_END_SIGNAL:
            guard let signal else { return nil }
            self = .signal(signal)
        case PG_END_EXIT:
            guard let signal else { return nil }
            self = .exit(signal)
        default: return nil
        }
    }
}

/// A signal's name as reports give it (the worker's compile child and
/// FailureWords both name crashes by it).
public func signalName(_ sig: Int32) -> String {
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
