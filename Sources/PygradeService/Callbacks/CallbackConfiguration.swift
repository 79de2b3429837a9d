import Foundation

/// How callbacks are sent.
public struct CallbackConfiguration: Sendable {
    /// The HMAC key of `Pygrade-Signature` (nil: callbacks go unsigned,
    /// and the server says so at start).
    public var secret: [UInt8]?
    /// Tries of one callback, the first included.
    public var tries: Int
    /// Seconds one POST may take, connection included.
    public var timeout: Double
    /// The longest wait between two tries (they double from 1 s up to it).
    public var maxDelay: Double
    /// Seconds an idle dispatcher waits before it asks the queue again.
    public var pollSeconds: Double
    /// Seconds a claimed callback stays this node's.
    public var leaseSeconds: Double
    public var addressGuard: CallbackAddressGuard

    public init(
        secret: [UInt8]?, tries: Int = 5, timeout: Double = 10, maxDelay: Double = 300, pollSeconds: Double = 1,
        leaseSeconds: Double = 60, addressGuard: CallbackAddressGuard = CallbackAddressGuard()
    ) {
        self.secret = secret
        self.tries = tries
        self.timeout = timeout
        self.maxDelay = maxDelay
        self.pollSeconds = pollSeconds
        self.leaseSeconds = leaseSeconds
        self.addressGuard = addressGuard
    }

    /// Seconds before the try after `tries` failed ones: 1, 2, 4 ... capped.
    public func delay(afterTries tries: Int) -> Double {
        min(maxDelay, pow(2, Double(max(0, tries - 1))))
    }
}
