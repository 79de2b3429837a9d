import Foundation
import Testing

@testable import PygradeService

struct CallbackSignatureTests {
    let secret = Array("0123456789abcdef-secret".utf8)
    let body = Array(#"{"id":"sub_x"}"#.utf8)

    /// The value Python's `hmac.new(secret, b"1700000000." + body, sha256)` gives.
    @Test func theHeaderIsTheHMACOfTimeDotBody() {
        #expect(
            CallbackSignature.header(secret: secret, timestamp: 1_700_000_000, body: body)
                == "t=1700000000,v1=1377ca5b6440f7200389bb503efe6de83f4ee2333e2327693a53d0fcd23491c9")
    }

    @Test func aReceiverVerifiesItAndNothingElse() {
        let header = CallbackSignature.header(secret: secret, timestamp: 1_700_000_000, body: body)
        #expect(CallbackSignature.verify(header: header, secret: secret, body: body))
        #expect(!CallbackSignature.verify(header: header, secret: secret, body: body + [0x20]), "another body")
        #expect(!CallbackSignature.verify(header: header, secret: Array("another-secret-0123".utf8), body: body))
        let otherTime = header.replacingOccurrences(of: "t=1700000000", with: "t=1700000001")
        #expect(!CallbackSignature.verify(header: otherTime, secret: secret, body: body), "the time is signed too")
        #expect(!CallbackSignature.verify(header: "v1=00", secret: secret, body: body))
        #expect(!CallbackSignature.verify(header: "", secret: secret, body: body))
    }
}
