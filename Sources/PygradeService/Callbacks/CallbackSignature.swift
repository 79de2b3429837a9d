import Crypto
import Foundation

/// The `Pygrade-Signature` header of a callback: `t=<unix seconds>,v1=<hex
/// HMAC-SHA256(secret, "<t>.<body>")>`. The time is signed with the body, so
/// a receiver that refuses old times cannot be fed a recorded callback again.
public enum CallbackSignature {
    public static let headerName = "Pygrade-Signature"

    public static func header(secret: [UInt8], timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    static func hex(secret: [UInt8], timestamp: Int, body: [UInt8]) -> String {
        var mac = HMAC<SHA256>(key: SymmetricKey(data: secret))
        mac.update(data: Array("\(timestamp).".utf8))
        mac.update(data: body)
        return mac.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` signs `body` with `secret` (what a receiver does;
    /// compared in constant time).
    public static func verify(header: String, secret: [UInt8], body: [UInt8]) -> Bool {
        var t: Int?
        var v1: String?
        for part in header.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { return false }
            if kv[0] == "t" { t = Int(kv[1]) } else if kv[0] == "v1" { v1 = kv[1] }
        }
        guard let t, let v1 else { return false }
        let expected = Array(hex(secret: secret, timestamp: t, body: body).utf8)
        let given = Array(v1.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
