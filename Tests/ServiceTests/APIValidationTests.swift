import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import PygradeService

/// 422: requests that are well formed but that this server cannot grade.
@Suite struct APIValidationTests {
    func expect422(_ body: Any, contains words: String, edit: (inout APIConfiguration) -> Void = { _ in }) async throws {
        let h = try APITestHarness(edit: edit)
        let text = jsonText(body)
        try await h.run { c in
            let r = try await c.send(.post, "/v1/submissions", json: text)
            r.expectProblem(.unprocessableContent)
            #expect(r.detail.contains(words), "\(r.detail)")
            #expect(!r.detail.contains(h.folder.path), "the detail shows a server path: \(r.detail)")
        }
    }

    @Test func anUnknownExerciseIs422() async throws {
        try await expect422(["source": "x", "exercises": ["reverse", "nope"]], contains: "no exercise 'nope'")
    }

    @Test func aBadInlineAssignmentIs422WithTheLoadersMessageAndNoTempPath() async throws {
        try await expect422(
            ["source": "x", "assignment": ["name": "w3", "exercises": ["reverse", "nope"]]], contains: "unknown exercise 'nope'")
        try await expect422(["source": "x", "assignment": ["exercises": ["reverse"]]], contains: "missing required key 'name'")
        try await expect422(
            ["source": "x", "assignment": ["name": "w", "exercises": [["id": "reverse", "limits": ["time": 0]]]]],
            contains: "limits.time")
    }

    @Test func aGoodInlineAssignmentIsAcceptedAndLeavesNoFileBehind() async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let body = ["source": "x", "assignment": ["name": "w3", "exercises": ["reverse", ["id": "flatten", "points": 30]]]]
            let r = try await c.send(.post, "/v1/submissions", json: jsonText(body))
            #expect(r.status == .created, "\(r.text)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: h.folder.path("tmp"))) ?? []
            #expect(left.isEmpty)
        }
    }

    @Test func anAssignmentOverTheServersMaximaIs422() async throws {
        try await expect422(
            ["source": "x", "assignment": ["name": "w", "exercises": [["id": "reverse", "limits": ["memory": 4096]]]]],
            contains: "maxima")
    }

    @Test func limitsOutsideTheirRangeOrTheServersMaximaAre422() async throws {
        try await expect422(["source": "x", "limits": ["time": 0.001]], contains: "limits.time")
        try await expect422(["source": "x", "limits": ["time": 11]], contains: "limits.time must be between 0.01 and 10")
        try await expect422(["source": "x", "limits": ["memory": 512]], contains: "limits.memory", edit: { $0.limitMaxima.memory = 256 })
        try await expect422(["source": "x", "limits": ["budget": 61]], contains: "limits.budget")
    }

    @Test func limitsWithinTheMaximaAreAccepted() async throws {
        let h = try APITestHarness()
        try await h.run { c in
            let r = try await c.send(
                .post, "/v1/submissions", json: jsonText(["source": "x", "limits": ["time": 2, "memory": 512, "budget": 30]]))
            #expect(r.status == .created, "\(r.text)")
        }
    }

    @Test func aCallbackURLMustBeHTTPAndAcceptedByThePolicy() async throws {
        try await expect422(["source": "x", "callback_url": "ftp://example.com/x"], contains: "http or https")
        try await expect422(["source": "x", "callback_url": "not a url"], contains: "http or https")
        try await expect422(
            ["source": "x", "callback_url": "http://10.0.0.1/hook"], contains: "a private address",
            edit: { $0.callbackPolicy = CallbackPolicyClosure { url in url.host == "10.0.0.1" ? "a private address." : nil } })
        let h = try APITestHarness { $0.callbackPolicy = CallbackPolicyClosure { _ in nil } }
        try await h.run { c in
            let r = try await c.send(.post, "/v1/submissions", json: jsonText(["source": "x", "callback_url": "https://example.com/hook"]))
            #expect(r.status == .created)
            let id = try #require(r.object["id"] as? String)
            #expect(try await h.queue.job(id)?.callbackURL == "https://example.com/hook")
        }
    }

    @Test func fileNames() {
        for good in ["a.py", "solution.py", "_x.py", "A-b.c.py", String(repeating: "a", count: 97) + ".py"] {
            #expect(SubmissionValidator.isFileName(good), "\(good)")
        }
        for bad in ["", ".py", "-a.py", "a", "a.pyc", "a/b.py", "../a.py", "a b.py", "é.py", String(repeating: "a", count: 98) + ".py"] {
            #expect(!SubmissionValidator.isFileName(bad), "\(bad)")
        }
    }

    @Test func aServerWithoutKeysRefusesANonLoopbackAddress() {
        let folder = URL(fileURLWithPath: "/tmp")
        for host in ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"] {
            #expect(APIConfiguration(host: host, dataFolder: folder).startupRefusal() == nil, "\(host)")
        }
        for host in ["0.0.0.0", "10.0.0.1", "::", "example.com", "127.0.0.1.example.com", "127.example.com"] {
            #expect(APIConfiguration(host: host, dataFolder: folder).startupRefusal()?.contains("loopback only") == true, "\(host)")
        }
        let keys = APIKeys([APIKey(id: "a", sha256: String(repeating: "0", count: 64), ratePerMinute: 1, maxQueued: 1)])
        #expect(APIConfiguration(host: "0.0.0.0", dataFolder: folder, keys: keys).startupRefusal() == nil)
    }
}
