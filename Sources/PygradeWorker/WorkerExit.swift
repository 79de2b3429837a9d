import Glibc

/// How a worker process (its base, or one of its zygotes) ends on its own,
/// as its exit status. The orchestrator sees the channel close and, for a
/// job, retries once in a fresh worker; the status says which of these it
/// was. (A job child's own exit codes, PG_CHILD_EXIT_* in
/// pygrade_protocol.h, reuse some of these numbers; they never meet: a
/// report only ever shows one as "exit code N", from ChildEnding.)
enum WorkerExit: Int32 {
    /// Nothing went wrong: the channel it answers on was closed (the
    /// orchestrator, or the base of a zygote, is done with it), or a zygote
    /// has already told the base why it cannot serve.
    case finished = 0
    /// The embedded Python did not start or the harness did not load; the
    /// hello said why, if it could be sent.
    case pythonFailed = 70
    /// The hello (the worker is ready, and its sandbox layers) could not be
    /// sent: the orchestrator is not listening.
    case helloUnsent = 71
    /// A request could not be read off the channel: the stream is out of
    /// step, and no later request can be trusted to start where it should.
    case requestUnreadable = 72
    /// A reply could not be written: the orchestrator is gone or stopped
    /// reading.
    case replyUnsent = 73
    /// Its resource limits are not those it started with: no job runs under
    /// limits a candidate might have set.
    case limitsChanged = 74
    /// An exercise's zygote died: the worker cannot vouch for the next job.
    case zygoteLost = 75
    /// Scratch could not be made empty for the next job.
    case scratchNotEmpty = 76

    func exit() -> Never { Glibc.exit(rawValue) }

    /// Without atexit handlers or stdio flushing: for a process forked from
    /// the base, which must not run the base's.
    func exitNow() -> Never { _exit(rawValue) }
}
