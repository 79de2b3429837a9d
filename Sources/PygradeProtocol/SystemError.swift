#if canImport(Glibc)
    import Glibc
#endif

/// A failed system call, with its errno (in the manner of swift-system's
/// `Errno`): `code` is what callers switch on.
public struct SystemError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var call: String

    public init(_ call: String, code: Int32 = errno) {
        self.call = call
        self.code = code
    }

    public var description: String { "\(call): \(String(cString: strerror(code)))" }
}

/// Retries a call interrupted by a signal: the orchestrator's and the
/// channel's system calls that can be interrupted go through here. (The
/// worker's watch loops, which must also wake on a deadline, read errno
/// themselves.)
@discardableResult
public func retryingOnInterrupt<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let r = body()
        if r >= 0 { return r }
        if errno == EINTR { continue }
        throw SystemError(call)
    }
}
