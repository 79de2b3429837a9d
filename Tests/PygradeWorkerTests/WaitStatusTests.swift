import CPygradeSupport
import Glibc
import Testing

/// The wait-status shims (CPygradeSupport's posix.c) on the statuses of
/// real processes: what WIFEXITED, WEXITSTATUS, WIFSIGNALED and WTERMSIG
/// say, for the worker's reading of how a child ended.
@Suite("Wait-status shims")
struct WaitStatusTests {
    /// The raw wait status of `/bin/sh -c script`.
    static func status(_ script: String) throws -> Int32 {
        var pid: pid_t = 0
        let words: [String] = ["/bin/sh", "-c", script]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        try #require(posix_spawn(&pid, "/bin/sh", nil, nil, argv, nil) == 0)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    @Test func anExitIsAnExitWithItsCode() throws {
        let status = try Self.status("exit 3")
        #expect(pg_wait_exited(status) != 0)
        #expect(pg_wait_exit_status(status) == 3)
        #expect(pg_wait_signaled(status) == 0)
    }

    @Test func aKillIsASignalWithItsNumber() throws {
        let status = try Self.status("kill -KILL $$")
        #expect(pg_wait_signaled(status) != 0)
        #expect(pg_wait_term_signal(status) == SIGKILL)
        #expect(pg_wait_exited(status) == 0)
    }
}
