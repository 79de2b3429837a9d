#if canImport(Glibc)
    import Glibc
#endif

/// Monotonic time, for the timings we report.
public struct Clock: Sendable {
    public let nanoseconds: UInt64
    public static var now: Clock {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Clock(nanoseconds: UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec))
    }
    public var millisecondsElapsed: Double { Double(Clock.now.nanoseconds - nanoseconds) / 1e6 }
    public func milliseconds(to later: Clock) -> Double { Double(later.nanoseconds &- nanoseconds) / 1e6 }
}
