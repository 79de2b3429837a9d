/// Every exit status pygrade's commands use, defined once: the code that
/// exits and the `--help` text that documents it all read here, and
/// docs/usage.md says the same in words.
enum ExitStatus: Int32 {
    /// grade: every graded exercise passed; batch: every candidate graded; check: all hold.
    case success = 0
    /// grade: graded, and some exercise did not pass; check: something does not hold.
    case failed = 1
    /// Bad usage or unreadable input (grade), with a one-line reason on stderr.
    case usage = 2
    /// The grader itself failed.
    case `internal` = 3
    /// batch: every candidate it could read was graded, but some could not be
    /// read; each of those has an error record in the results file.
    case someUnreadable = 4
    /// batch: stopped by Ctrl-C (SIGINT), 128 + 2 as a shell reports it.
    case interrupted = 130

    /// `batch`'s statuses in words, for its `--help`.
    static let batchSummary = """
        Exit status: \(success.rawValue) every candidate graded (a candidate that fails is still graded), \
        \(usage.rawValue) bad usage, \(`internal`.rawValue) internal error, \
        \(someUnreadable.rawValue) some candidates could not be read (each has an error record; the rest were graded), \
        \(interrupted.rawValue) interrupted by Ctrl-C (it prints the --resume command that continues).
        """

    /// `grade`'s statuses in words, for its `--help`.
    static let gradeSummary = """
        Exit status: \(success.rawValue) passed, \(failed.rawValue) failed, \(usage.rawValue) bad usage or unreadable input, \
        \(`internal`.rawValue) internal error.
        """
}
