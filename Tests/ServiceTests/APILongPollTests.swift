import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

@testable import PygradeService

/// `GET /v1/submissions/{id}?wait=N`: held until the job ends or N seconds,
/// and no more of them open at once than a caller's bound.
@Suite struct APILongPollTests {
    @Test(arguments: APIQueueDriver.allCases) func aWaitReturnsAsSoonAsTheJobCompletes(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            let id = try #require(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#).object["id"] as? String)
            let queue = h.queue
            let grader = Task {
                try await Task.sleep(for: .milliseconds(400))
                return try await completeNext(queue)
            }
            let start = ContinuousClock.now
            let r = try await c.send(.get, "/v1/submissions/\(id)?wait=60")
            let took = ContinuousClock.now - start
            #expect(try await grader.value == id)
            #expect(r.object["state"] as? String == "done")
            #expect(r.object["report"] is [String: Any])
            #expect(took >= .milliseconds(350), "returned before the job ended: \(took)")
            // Well under the 60 s asked for: the wait ended with the job. (Not
            // tighter: the whole suite grades in parallel on two cores.)
            #expect(took < .seconds(30), "held long after the job ended: \(took)")
        }
    }

    @Test(arguments: APIQueueDriver.allCases) func aWaitOnAJobThatDoesNotEndReturnsAfterNSeconds(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            let id = try #require(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#).object["id"] as? String)
            let start = ContinuousClock.now
            let r = try await c.send(.get, "/v1/submissions/\(id)?wait=1.5")
            let took = ContinuousClock.now - start
            #expect(r.status == .ok)
            #expect(r.object["state"] as? String == "queued")
            // The upper bound is loose: the whole suite grades in parallel on two cores.
            #expect(took >= .milliseconds(1450) && took < .seconds(30), "\(took)")
            // No wait: at once.
            let quick = ContinuousClock.now
            #expect(try await c.send(.get, "/v1/submissions/\(id)").object["state"] as? String == "queued")
            #expect(ContinuousClock.now - quick < .seconds(10))
        }
    }

    @Test(arguments: ["61", "-1", "soon", "nan", "inf"])
    func aWaitOutside0To60Is400(wait: String) async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let id = try #require(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#).object["id"] as? String)
            let r = try await c.send(.get, "/v1/submissions/\(id)?wait=\(wait)")
            r.expectProblem(.badRequest)
            #expect(r.detail.contains("0 to 60"))
        }
    }

    /// A GET on a connection of its own (AsyncHTTPClient's pool), as
    /// concurrent clients send them: the test client has one connection,
    /// on which requests go one after another.
    static func get(_ port: Int, _ path: String, key: String? = nil) async throws -> (status: Int, state: String?) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(90))
        let bytes = try await response.body.collect(upTo: 1 << 20)
        let body = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        return (Int(response.status.code), body["state"] as? String)
    }

    /// Without keys the bound is per client address (here every request's:
    /// 127.0.0.1), whichever submission it waits on.
    @Test func aWaitOverTheCallersBoundIs429AtOnceAndTheHeldOnesStillWait() async throws {
        let h = try APITestHarness { $0.maxLongPolls = 2 }
        try await h.run { c in
            let port = try #require(c.port)
            let id = try #require(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#).object["id"] as? String)
            let other = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"y"}"#).object["id"] as? String)
            let held = (0..<2).map { _ in Task { try await Self.get(port, "/v1/submissions/\(id)?wait=60") } }
            #expect(await NodeFixture.eventually(timeout: 30) { h.longPolls.total == 2 }, "the two waits never opened")

            let start = ContinuousClock.now
            let third = try await c.send(.get, "/v1/submissions/\(id)?wait=60")
            third.expectProblem(.tooManyRequests)
            #expect(third.headers[.retryAfter] == "5")
            #expect(third.detail.contains("2 waiting requests"), "\(third.detail)")
            try await c.send(.get, "/v1/submissions/\(other)?wait=60").expectProblem(.tooManyRequests)
            #expect(ContinuousClock.now - start < .seconds(10), "not refused at once: \(ContinuousClock.now - start)")
            // A poll without wait holds nothing and is answered.
            #expect(try await c.send(.get, "/v1/submissions/\(id)").object["state"] as? String == "queued")

            // The two held ones still wait: they end with the job.
            #expect(h.longPolls.total == 2)
            #expect(try await completeNext(h.queue) == id)
            for wait in held {
                let r = try await wait.value
                #expect(r.status == 200)
                #expect(r.state == "done")
            }
            #expect(await NodeFixture.eventually(timeout: 30) { h.longPolls.total == 0 })

            // Once they ended, a wait is taken again: it holds its second.
            let again = ContinuousClock.now
            let r = try await c.send(.get, "/v1/submissions/\(other)?wait=1")
            #expect(r.status == .ok)
            #expect(r.object["state"] as? String == "queued")
            #expect(ContinuousClock.now - again >= .milliseconds(950))
            // A wait on a job that has ended holds nothing and is never refused.
            #expect(try await c.send(.get, "/v1/submissions/\(id)?wait=60").object["state"] as? String == "done")
        }
    }

    /// With keys the bound is per key: one key at its bound leaves another's
    /// waits alone.
    @Test func theBoundIsPerKey() async throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: APIKeyTests.keysFile(folder))
        let h = try APITestHarness {
            $0.keys = keys
            $0.maxLongPolls = 1
        }
        try await h.run { c in
            let port = try #require(c.port)
            let alice = APIKeyTests.bearer("alice-secret")
            let bob = APIKeyTests.bearer("bob-secret")
            let mine = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: alice).object["id"] as? String)
            let theirs = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"y"}"#, headers: bob).object["id"] as? String)
            let held = Task { try await Self.get(port, "/v1/submissions/\(mine)?wait=3", key: "alice-secret") }
            #expect(await NodeFixture.eventually(timeout: 30) { h.longPolls.count("key:alice") == 1 })

            let refused = try await c.send(.get, "/v1/submissions/\(mine)?wait=3", headers: alice)
            refused.expectProblem(.tooManyRequests)
            #expect(refused.detail.hasPrefix("This key"))
            let start = ContinuousClock.now
            let r = try await c.send(.get, "/v1/submissions/\(theirs)?wait=0.5", headers: bob)
            #expect(r.status == .ok)
            #expect(r.object["state"] as? String == "queued")
            #expect(ContinuousClock.now - start >= .milliseconds(450), "Bob's wait did not hold")

            let first = try await held.value
            #expect(first.status == 200)
            #expect(first.state == "queued")
            #expect(await NodeFixture.eventually(timeout: 30) { h.longPolls.total == 0 })
        }
    }

    @Test func theBoundIsCountedAndGivenBack() {
        let limiter = LongPollLimiter()
        #expect(limiter.enter("a", limit: 2) && limiter.enter("a", limit: 2))
        #expect(!limiter.enter("a", limit: 2))
        #expect(limiter.enter("b", limit: 2))
        limiter.leave("a")
        #expect(limiter.count("a") == 1)
        #expect(limiter.enter("a", limit: 2))
        for _ in 0..<2 { limiter.leave("a") }
        limiter.leave("b")
        #expect(limiter.total == 0)
    }
}
