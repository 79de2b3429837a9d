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

/// Retries a call interrupted by a signal: EINTR is handled here and nowhere else.
@discardableResult
public func retryingOnInterrupt<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let r = body()
        if r >= 0 { return r }
        if errno == EINTR { continue }
        throw SystemError(call)
    }
}
