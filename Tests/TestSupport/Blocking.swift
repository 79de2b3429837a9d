import Foundation

/// Runs blocking work (waiting for a process, reading a pipe to its end) on
/// a thread of its own, never on the cooperative pool: that pool has one
/// thread per core (two here), and the service tests' in-process servers,
/// queues and clocks all run on it. A test that blocks it stalls every
/// other test of the process, and their timeouts fire.
public enum Blocking {
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }
            thread.start()
        }
    }
}
