/// A fault in the conversation with a worker (or between a worker and its
/// zygote): one error, with a code to switch on and the context it happened
/// in. A failed system call on the channel is one of them (`.system`, with
/// the call's own errno in `cause`); the others are faults of the bytes or
/// of the worker, and carry no errno, since no call failed.
public struct ProtocolError: Error, CustomStringConvertible, Sendable {
    public enum Code: Sendable, Equatable {
        /// A read or write on the channel failed: `cause` says which and why.
        case system
        /// The stream ended inside a message.
        case truncated
        /// A length past anything a message may have.
        case tooLarge
        /// A frame that is not a message.
        case malformedFrame
        /// A message whose fields do not parse (`context` says where).
        case malformed
        /// The worker closed its channel instead of answering.
        case closed
        /// The worker did not say hello.
        case startUp
        /// The worker answered, with a failure (`context`: its words).
        case failed
        /// An exercise's inputs could not be built: the exercise is at
        /// fault, so a fresh worker cannot help.
        case exerciseBroken
    }

    public var code: Code
    public var context: String
    public var cause: SystemError?

    public init(_ code: Code, _ context: String = "", cause: SystemError? = nil) {
        self.code = code
        self.context = context
        self.cause = cause
    }

    /// A failed system call on the channel.
    public init(_ cause: SystemError) { self.init(.system, cause.call, cause: cause) }

    public var exerciseBroken: Bool { code == .exerciseBroken }

    public var description: String {
        switch code {
        case .system: cause?.description ?? context
        // The words these three faults carried when they were dressed as
        // errno values (EPIPE, EMSGSIZE, EPROTO), which reports and error
        // records show: kept as they were.
        case .truncated: "\(context): Broken pipe"
        case .tooLarge: "\(context): Message too long"
        case .malformedFrame, .startUp: "\(context): Protocol error"
        case .closed: "the worker closed its channel"
        case .malformed, .failed, .exerciseBroken: context
        }
    }
}
