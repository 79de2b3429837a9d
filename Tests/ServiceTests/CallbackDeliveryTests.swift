import Foundation
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// The dispatcher against a real loopback receiver: what it posts, how it
/// signs, how it retries, and what it refuses.
@Suite(.serialized)
struct CallbackDeliveryTests {
    static let secret = Array("a-callback-secret-of-32-bytes-xx".utf8)

    /// A finished job with a callback URL, as the node leaves it.
    func finishedJob(_ queue: NodeTestQueue, url: String) async throws -> String {
        let request = SubmissionRequest(source: "x = 1\n", callbackURL: url, metadata: .object(["student": .string("ana")]))
        let id = try await queue.add(NodeFixture.payload(request), exercisesSHA256: "h", callbackURL: url)
        let lease = try #require(try await queue.claim(worker: "t", exercisesSHA256: "h", leaseSeconds: 60))
        #expect(try await queue.complete(lease, result: Data(#"{"schema":"pygrade.report/1","score":87.5}"#.utf8)))
        return id
    }

    /// Runs a dispatcher until `done` holds (or two minutes pass). Each send
    /// may take 30 s: the receiver shares two cores with the whole suite, and
    /// a send that times out would be a retry the test does not expect.
    func dispatch(_ queue: NodeTestQueue, allow: [String], tries: Int = 5, until done: @escaping @Sendable () async -> Bool) async {
        let metrics = ServiceMetrics()
        let dispatcher = CallbackDispatcher(
            queue: queue,
            configuration: CallbackConfiguration(
                secret: Self.secret, tries: tries, timeout: 30, pollSeconds: 0.1, addressGuard: CallbackAddressGuard(allowedHosts: allow)),
            metrics: metrics)
        let running = Task { try await dispatcher.run() }
        _ = await NodeFixture.eventually(timeout: 120) { await done() }
        running.cancel()
        _ = try? await running.value
    }

    @Test func aCallbackIsSignedAndRetriedAfterA500() async throws {
        let receiver = CallbackReceiver(answers: [.internalServerError, .ok])
        let queue = NodeTestQueue()
        try await receiver.serve { port in
            let id = try await finishedJob(queue, url: "http://127.0.0.1:\(port)/hook")
            await dispatch(queue, allow: ["127.0.0.1"]) { await queue.jobs[id]?.callbackDelivered == true }
            let got = await receiver.received
            #expect(got.count == 2)
            #expect(await queue.jobs[id]?.callbackReasons == ["retry in 1.0: the receiver answered 500", "delivered"])
            if got.count == 2 {
                #expect(got[1].at.timeIntervalSince(got[0].at) >= 0.9, "backoff: the second try a second later")
                for r in got {
                    #expect(r.path == "/hook")
                    #expect(r.contentType == "application/json")
                    #expect(CallbackSignature.verify(header: r.signature ?? "", secret: Self.secret, body: r.body))
                }
                let document = try #require(try JSONSerialization.jsonObject(with: Data(got[1].body)) as? [String: Any])
                #expect(document["id"] as? String == id)
                #expect(document["state"] as? String == "done")
                #expect(document["attempts"] as? Int == 1)
                #expect((document["report"] as? [String: Any])?["score"] as? Double == 87.5)
                #expect((document["metadata"] as? [String: Any])?["student"] as? String == "ana")
                #expect(document["error"] is NSNull)
                #expect(document["created_at"] is String && document["finished_at"] is String)
            }
        }
    }

    @Test func aLoopbackCallbackIsRefusedWithoutTheOperatorsAllow() async throws {
        let receiver = CallbackReceiver(answers: [.ok])
        let queue = NodeTestQueue()
        try await receiver.serve { port in
            let url = "http://127.0.0.1:\(port)/hook"
            // What the API asks at submit (422 with this sentence).
            let refusal = await CallbackAddressGuard().refusal(for: try #require(URL(string: url)))
            #expect(refusal?.contains("loopback") == true)
            // And what the dispatcher does with one that got in anyway.
            let id = try await finishedJob(queue, url: url)
            await dispatch(queue, allow: []) { await queue.jobs[id]?.callbackDelivered == true }
            #expect(await receiver.received.isEmpty)
            let reasons = await queue.jobs[id]?.callbackReasons ?? []
            #expect(
                reasons.count == 1
                    && reasons[0].hasPrefix("given up: the callback host 127.0.0.1 resolves to 127.0.0.1, a loopback address"))
        }
    }

    @Test func redirectsAreNotFollowedAndTriesAreBounded() async throws {
        let receiver = CallbackReceiver(answers: [.found])
        let queue = NodeTestQueue()
        try await receiver.serve { port in
            let id = try await finishedJob(queue, url: "http://localhost:\(port)/hook")
            await dispatch(queue, allow: ["localhost"], tries: 2) { await queue.jobs[id]?.callbackDelivered == true }
            let got = await receiver.received
            #expect(got.map(\.path) == ["/hook", "/hook"], "two tries, never /elsewhere")
            #expect(await queue.jobs[id]?.callbackReasons.last == "given up: the receiver answered 302")
        }
    }
}
