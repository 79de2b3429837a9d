import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import PygradeService

/// `GET /v1/submissions/{id}?wait=N`: held until the job ends or N seconds.
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
}
