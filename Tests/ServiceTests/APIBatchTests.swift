import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import PygradeService

@Suite struct APIBatchTests {
    @Test(arguments: APIQueueDriver.allCases) func aBatchIsCreatedAndReadsBackWithCountsAndSummary(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            let body = jsonText(["submissions": [["source": "a"], ["source": "b"], ["files": ["main.py": "c"]], ["source": "d"]]])
            let r = try await c.send(.post, "/v1/batches", json: body)
            #expect(r.status == .created, "\(r.text)")
            let id = try #require(r.object["id"] as? String)
            #expect(id.hasPrefix("bat_"))
            #expect(r.headers[.location] == "/v1/batches/\(id)")
            let ids = try #require(r.object["submissions"] as? [String])
            #expect(ids.count == 4 && Set(ids).count == 4 && ids.allSatisfy { $0.hasPrefix("sub_") })

            let empty = try await c.send(.get, "/v1/batches/\(id)").object
            #expect(empty["total"] as? Int == 4)
            #expect((empty["summary"] as? [String: Any])?["mean_score"] is NSNull)

            try await completeNext(h.queue, report: fakeReport(verdict: "passed", score: 100))
            try await completeNext(h.queue, report: fakeReport(verdict: "failed", score: 50))
            let lease = try #require(
                try await h.queue.claim(worker: "t", exercisesSHA256: CatalogHash.of(APITestHarness.catalog), leaseSeconds: 60))
            #expect(lease.jobID == ids[2])
            let o = try await c.send(.get, "/v1/batches/\(id)").object
            #expect(o["id"] as? String == id)
            #expect(o["submissions"] as? [String] == ids)
            let counts = try #require(o["counts"] as? [String: Int])
            #expect(counts == ["queued": 1, "running": 1, "done": 2, "failed": 0])
            let summary = try #require(o["summary"] as? [String: Any])
            #expect(summary["passed"] as? Int == 1)
            #expect(summary["failed"] as? Int == 1)
            #expect(summary["mean_score"] as? Double == 75)
            // Each submission of the batch names it.
            #expect(try await c.send(.get, "/v1/submissions/\(ids[0])").object["batch_id"] as? String == id)
        }
    }

    @Test func aBatchOutside1To1000OrWithABadItemIsRefusedWhole() async throws {
        let h = try APITestHarness { $0.maxBatchSize = 3 }
        try await h.run { c in
            try await c.send(.post, "/v1/batches", json: #"{"submissions":[]}"#).expectProblem(.badRequest)
            let four = jsonText(["submissions": Array(repeating: ["source": "x"], count: 4)])
            try await c.send(.post, "/v1/batches", json: four).expectProblem(.badRequest)
            let bad = try await c.send(.post, "/v1/batches", json: #"{"submissions":[{"source":"x"},{"source":"y","exercises":["nope"]}]}"#)
            bad.expectProblem(.unprocessableContent)
            #expect(bad.detail.hasPrefix("submissions[1]: "))
            #expect(try await h.queue.counts()[.queued] == 0)
            try await c.send(.post, "/v1/batches", json: #"{"items":[]}"#).expectProblem(.badRequest)
            let null = try await c.send(.post, "/v1/batches", json: #"{"submissions":[{"source":"x"},{"source":"y","exercises":null}]}"#)
            null.expectProblem(.badRequest)
            #expect(null.detail.contains("'submissions[1].exercises' is null"), "\(null.detail)")
            try await c.send(.get, "/v1/batches/bat_nothing").expectProblem(.notFound)
        }
    }

    @Test func aBatchBodyOverItsLimitIs413() async throws {
        let h = try APITestHarness { $0.maxBatchBytes = 500 }
        try await h.run { c in
            let body = jsonText(["submissions": Array(repeating: ["source": String(repeating: "x", count: 100)], count: 6)])
            try await c.send(.post, "/v1/batches", json: body).expectProblem(.contentTooLarge)
        }
    }
}
