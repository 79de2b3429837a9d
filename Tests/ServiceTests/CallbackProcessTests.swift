import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// Callbacks sent by a running `serve`: signed, retried after a 500.
@Suite(.serialized)
struct CallbackProcessTests {
    @Test func aCallbackIsDeliveredSignedAndRetriedAfterA500() async throws {
        let receiver = CallbackReceiver(answers: [.internalServerError, .ok])
        let data = TemporaryFolder(prefix: "pygrade-service")
        data.write("secret", "0123456789abcdef0123456789abcdef\n")
        let secret = Array("0123456789abcdef0123456789abcdef".utf8)
        let serve = try ServiceProcess(
            "serve", ["--workers", "1", "--callback-secret-file", data.path("secret"), "--callback-allow-host", "127.0.0.1"], data: data)
        try await serve.waitUntilUp()
        let queue = try NodeProcessTests.queue(data)
        try await receiver.serve { port in
            let url = "http://127.0.0.1:\(port)/hook"
            let request = SubmissionRequest(source: NodeFixture.reverseSolution, exercises: ["reverse"], callbackURL: url)
            let id = try await NodeProcessTests.enqueue(queue, request, callbackURL: url)
            #expect(await NodeFixture.eventually(timeout: 90) { await receiver.received.count >= 2 }, "\(serve.stderr)")
            let got = await receiver.received
            #expect(got.count == 2)
            for r in got { #expect(CallbackSignature.verify(header: r.signature ?? "", secret: secret, body: r.body)) }
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(got.last?.body ?? [])) as? [String: Any])
            #expect(doc["id"] as? String == id)
            #expect(doc["state"] as? String == "done")
            #expect((doc["report"] as? [String: Any])?["verdict"] as? String == "passed")
        }
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
    }
}
