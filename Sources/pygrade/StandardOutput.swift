import CPygradeSupport
import Foundation

/// Standard output, where `grade` writes its report and `batch` its summary.
enum StandardOutput {
    /// Refuses to start when standard output is closed (`>&-`). Otherwise
    /// the grading would be done and its report lost with exit 0, and worse,
    /// the first file or pipe the grader opens would take descriptor 1, so
    /// that the report would be written into it (a batch's results file).
    static func requireOpen() throws {
        if fcntl(STDOUT_FILENO, F_GETFD) == -1 {
            throw CLIError.usage("standard output is closed: there is nowhere to write the report")
        }
    }

    /// Everything printed has reached standard output, or the error says why
    /// not (a full disk, a closed pipe): a report that was not written is
    /// not a success.
    static func flush() throws {
        if pg_stdout_flush() != 0 {
            let why = errno != 0 ? String(cString: strerror(errno)) : "write error"
            throw CLIError.usage("cannot write the report to standard output: \(why)")
        }
    }
}
