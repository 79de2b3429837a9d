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

/// Retries a call interrupted by a signal (EINTR), and turns any other
/// failure into a SystemError with its errno. The Swift calls a signal can
/// interrupt (reads and writes, waits, opens that may block) go through
/// here, the orchestrator's, the channel's and the worker's, with two kinds
/// of exception, each on purpose: the poll and read loops of ChildWatch and
/// CompileRunner take EINTR themselves, because an interrupted wait must go
/// back to check its deadlines rather than wait again; and C code
/// (child_frames.c's pg_send_frame, sandbox_namespaces.c's waitpid) retries
/// in C.
@discardableResult
public func retryingOnInterrupt<T: BinaryInteger>(_ call: String, _ body: () -> T) throws(SystemError) -> T {
    while true {
        let r = body()
        if r >= 0 { return r }
        if errno == EINTR { continue }
        throw SystemError(call)
    }
}
