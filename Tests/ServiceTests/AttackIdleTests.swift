import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import PygradeService

/// Slowloris: a connection that never finishes its request's head is
/// closed by the server, rather than held open for good.
@Suite struct AttackIdleTests {
    /// Connects to the port, sends `text`, and reads until the server
    /// closes: the seconds that took, or nil if it had not within `limit`
    /// (or the read failed otherwise).
    static func secondsUntilClosed(port: Int, sending text: String, limit: Int) -> Double? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        let connected = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
        }
        guard connected else { return nil }
        var timeout = timeval(tv_sec: limit, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        _ = text.withCString { send(fd, $0, strlen($0), 0) }
        let start = Date()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &buffer, buffer.count, 0)
            // A reset is the server closing too; a signal (the suite's
            // other tests start processes) is no answer, so read again.
            if n == 0 || (n < 0 && errno == ECONNRESET) { return Date().timeIntervalSince(start) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
        }
    }

    @Test func aHalfSentRequestHeadIsClosedWithinTheIdleTimeout() async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let port = try #require(c.port)
            // A thread of its own: a blocking read must not hold one of the
            // few threads the concurrency pool has.
            let seconds = await withCheckedContinuation { (done: CheckedContinuation<Double?, Never>) in
                Thread {
                    done.resume(returning: Self.secondsUntilClosed(port: port, sending: "GET /healthz HTTP/1.1\r\nHost: x\r\n", limit: 90))
                }.start()
            }
            let s = try #require(seconds, "the server still held the connection after 90 s")
            // 30 s of idle time, and slack for a machine whose two cores
            // the rest of the suite keeps busy.
            #expect(s >= 29 && s < 80)
        }
    }
}
