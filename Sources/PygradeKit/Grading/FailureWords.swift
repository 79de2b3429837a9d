#if canImport(Glibc)
    import Glibc
#endif

/// Why a test (or the load) failed, in words: the worker's code for how it
/// stopped a child (Ending), each worded here and nowhere else, or else the
/// child's own words about an exception, whole (the visible-only run, and
/// the reference) or sifted by CandidateText (the normal run, whose child
/// held hidden inputs).
enum FailureWords {
    /// The signals a child crashes with (its own fault, or C code's that
    /// aborts instead of raising when memory runs out).
    static let crashSignals: Set<Int32> = [SIGSEGV, SIGBUS, SIGABRT, SIGILL, SIGFPE]

    /// An ending in words; `loading` when it ended the load. Nil for a
    /// number out of range (a signal is 1...64, an exit code 0...255): a
    /// number the candidate could choose is a channel, so only the ones a
    /// process can have are said.
    ///
    /// `exact: false` is for a child that held hidden inputs (the normal
    /// run): the exit code, the signal and the crash's signal are the
    /// candidate's to choose per test (`os._exit(ord(s[0]))` is a byte of
    /// a hidden input per test), so they are not said; the kind of ending
    /// is. The visible-only run says them for the visible tests.
    static func words(_ ending: Ending, loading: Bool, exact: Bool = true) -> String? {
        if !exact {
            switch ending {
            case .crash(let s): return crashSignals.contains(s) ? "crashed" : nil
            case .crashAtMemoryLimit(let s): return crashSignals.contains(s) ? "crashed at the memory limit" : nil
            case .signal(let s): return (1...64).contains(s) ? "killed by a signal" : nil
            case .exit(let c): return (0...255).contains(c) ? "the process exited during the test" : nil
            default: break
            }
        }
        return switch ending {
        case .wallLimit: loading ? "loading the submission took too long" : "ran past the wall-clock limit"
        case .cpuLimit: loading ? "loading the submission used all its CPU time" : "used all its CPU time"
        case .cpuSignal: "used all its CPU time"
        case .budget: "ran past the exercise's wall budget"
        case .notRunBudget: "not run: the exercise ran past its wall budget"
        case .outputLimit(let bytes): "printed more than \(bytes) bytes"
        case .flood: "sent more result data than allowed"
        case .notRunFlood: "not run: the exercise sent more result data than allowed"
        case .forgedFrame: "wrote forged data into the result channel"
        case .channelClosed: "closed its result channel and kept running"
        case .fileSize: "wrote a file larger than allowed"
        case .forbiddenCall: "made a forbidden system call"
        case .crash(let s): crashSignals.contains(s) ? "crashed (\(signalName(s)))" : nil
        case .crashAtMemoryLimit(let s): crashSignals.contains(s) ? "crashed (\(signalName(s))) at the memory limit" : nil
        case .signal(let s): (1...64).contains(s) ? "killed by signal \(s)" : nil
        case .exit(let c): (0...255).contains(c) ? "the process exited during the test (exit code \(c))" : nil
        }
    }

    /// Whether an ending is the job's result data overflowing (worded apart
    /// from printing too much).
    static func isFlood(_ ending: Ending?) -> Bool { ending == .flood || ending == .notRunFlood }

    /// A test's failure in full: for a run whose child never held a hidden
    /// input (the visible-only run), or the reference's.
    static func full(_ o: TestOutcome) -> String? {
        o.ending.map { words($0, loading: false) } ?? o.detail
    }

    /// A test's failure as far as a normal run may show it.
    static func safe(_ o: TestOutcome) -> String? {
        o.ending.map { words($0, loading: false, exact: false) } ?? CandidateText.safeDetail(o.detail)
    }

    /// A failed load's, in full and as far as a normal run may show it.
    static func fullLoad(_ r: JobResponse) -> String? {
        r.loadEnding.map { words($0, loading: true) } ?? r.loadMessage
    }

    static func safeLoad(_ r: JobResponse) -> String? {
        r.loadEnding.map { words($0, loading: true, exact: false) } ?? CandidateText.safeDetail(r.loadMessage)
    }

    /// Whether the safe words dropped something: only then is there text
    /// worth a run of the visible tests alone.
    static func saysMore(full: String?, safe: String?) -> Bool {
        guard let full, !full.isEmpty else { return false }
        return safe != full
    }
}
