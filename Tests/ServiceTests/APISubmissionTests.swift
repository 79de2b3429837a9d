import Foundation
import Hummingbird
import HummingbirdTesting
import PygradeQueue
import Testing

@testable import PygradeService

@Suite struct APISubmissionTests {
    static let body = jsonText(["source": "def reverse(s):\n    return s[::-1]\n", "exercises": ["reverse"]])

    @Test(arguments: APIQueueDriver.allCases) func submitAnswers201WithLocationAndTheJobReadsBack(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            let r = try await c.send(.post, "/v1/submissions", json: Self.body)
            #expect(r.status == .created, "\(r.text)")
            let id = try #require(r.object["id"] as? String)
            #expect(id.hasPrefix("sub_"))
            #expect(r.headers[.location] == "/v1/submissions/\(id)")
            let g = try await c.send(.get, "/v1/submissions/\(id)")
            #expect(g.status == .ok)
            let o = g.object
            #expect(o["id"] as? String == id)
            #expect(o["state"] as? String == "queued")
            #expect(o["attempts"] as? Int == 0)
            #expect(o["report"] is NSNull)
            #expect(o["finished_at"] is NSNull)
            #expect((o["created_at"] as? String)?.hasSuffix("Z") == true)
            // metadata is any JSON, null included.
            let null = try await c.send(.post, "/v1/submissions", json: #"{"source": "x", "metadata": null}"#)
            #expect(null.status == .created, "\(null.text)")
        }
    }

    @Test(arguments: APIQueueDriver.allCases) func theReportIsServedByteForByteWithMetadata(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        let report = fakeReport(verdict: "passed", score: 87.5)
        try await h.run { c in
            let body = jsonText(["source": "x = 1\n", "metadata": ["candidate": "ana", "n": 3]])
            let id = try #require(try await c.send(.post, "/v1/submissions", json: body).object["id"] as? String)
            #expect(try await completeNext(h.queue, report: report) == id)
            let g = try await c.send(.get, "/v1/submissions/\(id)")
            #expect(g.object["state"] as? String == "done")
            #expect(g.text.contains(#""report":"# + String(decoding: report, as: UTF8.self)))
            let metadata = g.object["metadata"] as? [String: Any]
            #expect(metadata?["candidate"] as? String == "ana")
            #expect(g.object["finished_at"] is String)
        }
    }

    @Test(arguments: APIQueueDriver.allCases) func anIdempotencyKeyGivesTheSameIdForTheSameBodyAndConflictsForAnother(
        driver: APIQueueDriver
    ) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            let key: HTTPFields = idempotency("abc-123")
            let first = try await c.send(.post, "/v1/submissions", json: Self.body, headers: key)
            #expect(first.status == .created)
            let id = try #require(first.object["id"] as? String)
            // The same body with other spacing and key order is the same request.
            let again = try await c.send(
                .post, "/v1/submissions", json: #"{ "exercises": ["reverse"], "source": "def reverse(s):\n    return s[::-1]\n" }"#,
                headers: key)
            #expect(again.status == .ok)
            #expect(again.object["id"] as? String == id)
            #expect(again.headers[.location] == "/v1/submissions/\(id)")
            let other = try await c.send(.post, "/v1/submissions", json: jsonText(["source": "pass\n"]), headers: key)
            other.expectProblem(.conflict)
            #expect(other.detail.contains(id))
            let bad = try await c.send(.post, "/v1/submissions", json: Self.body, headers: idempotency(""))
            bad.expectProblem(.badRequest)
        }
    }

    @Test(arguments: [
        (#"{"source": "x""#, "not valid JSON"),
        (#"["source"]"#, "not an object"),
        (#"{"source": 3}"#, "'source' is not a string"),
        (#"{"source": "x", "files": {"a.py": "y"}}"#, "exactly one of source and files"),
        (#"{}"#, "exactly one of source and files"),
        (#"{"files": {"../a.py": "y"}}"#, "file name"),
        (#"{"files": {".hidden.py": "y"}}"#, "file name"),
        (#"{"files": {"a.txt": "y"}}"#, "file name"),
        (#"{"files": {}}"#, "1 to 100 files"),
        (#"{"source": "x", "filename": "a/b.py"}"#, "filename must match"),
        (#"{"source": "x", "assignment": [1]}"#, "assignment must be an object"),
        (#"{"files": {"a.py": "x"}, "source": null}"#, "'source' is null"),
        (#"{"source": "x", "callback_url": null}"#, "'callback_url' is null"),
        (#"{"source": "x", "limits": {"time": null}}"#, "'limits.time' is null"),
    ])
    func malformedBodiesAre400(body: String, words: String) async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let r = try await c.send(.post, "/v1/submissions", json: body)
            r.expectProblem(.badRequest)
            #expect(r.detail.lowercased().contains(words.lowercased()), "\(r.detail)")
        }
    }

    @Test func moreThanAHundredFilesIs400() async throws {
        let h = try APITestHarness()
        var files: [String: String] = [:]
        for i in 0...100 { files["f\(i).py"] = "" }
        let tooMany = jsonText(["files": files])
        files["f100.py"] = nil
        let hundred = jsonText(["files": files])
        try await h.run { c in
            try await c.send(.post, "/v1/submissions", json: tooMany).expectProblem(.badRequest)
            #expect(try await c.send(.post, "/v1/submissions", json: hundred).status == .created)
        }
    }

    @Test func aBodyOverTheLimitIs413() async throws {
        let h = try APITestHarness { $0.maxSubmissionBytes = 1000 }
        try await h.run { c in
            let big = jsonText(["source": String(repeating: "#", count: 2000)])
            let r = try await c.send(.post, "/v1/submissions", json: big)
            r.expectProblem(.contentTooLarge)
            #expect(r.detail.contains("1000 bytes"))
        }
    }

    @Test func metadataOver16KiBIs413() async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let body = jsonText(["source": "x", "metadata": ["note": String(repeating: "a", count: 17 * 1024)]])
            let r = try await c.send(.post, "/v1/submissions", json: body)
            r.expectProblem(.contentTooLarge)
            #expect(r.detail.contains("metadata"))
        }
    }

    @Test(arguments: APIQueueDriver.allCases) func unknownSubmissionsAndRoutesAre404(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver)
        try await h.run { c in
            try await c.send(.get, "/v1/submissions/sub_doesnotexist").expectProblem(.notFound)
            try await c.send(.get, "/v1/submissions/..%2Fetc").expectProblem(.notFound)
            try await c.send(.get, "/v1/nothing").expectProblem(.notFound)
            try await c.send(.post, "/v1/submissions/sub_nope/requeue").expectProblem(.notFound)
            let wrong = try await c.send(.delete, "/v1/submissions/sub_nope")
            wrong.expectProblem(.methodNotAllowed)
            #expect(wrong.headers[.allow] == "GET")
        }
    }

    @Test(arguments: APIQueueDriver.allCases)
    func requeueTakesBackAFailedJobAndRefusesAnotherWith409(driver: APIQueueDriver) async throws {
        let h = try await APITestHarness.with(driver) { $0.maxAttempts = 1 }
        try await h.run { c in
            let id = try #require(try await c.send(.post, "/v1/submissions", json: Self.body).object["id"] as? String)
            try await c.send(.post, "/v1/submissions/\(id)/requeue").expectProblem(.conflict)
            let lease = try #require(
                try await h.queue.claim(worker: "t", exercisesSHA256: CatalogHash.of(APITestHarness.catalog), leaseSeconds: 60))
            #expect(try await h.queue.fail(lease, reason: "grader crashed", retry: true))
            let failed = try await c.send(.get, "/v1/submissions/\(id)")
            #expect(failed.object["state"] as? String == "failed")
            #expect(failed.object["error"] as? String == "grader crashed")
            let r = try await c.send(.post, "/v1/submissions/\(id)/requeue")
            #expect(r.status == .ok)
            #expect(r.object["state"] as? String == "queued")
        }
    }
}
