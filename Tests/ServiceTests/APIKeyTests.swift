import Foundation
import Hummingbird
import HummingbirdTesting
import PygradeKit
import TestSupport
import Testing

@testable import PygradeService

/// API keys from a YAML file: 401 without one, 429 past a key's rate or its
/// queue quota, and what belongs to one key is not another's.
@Suite struct APIKeyTests {
    static func sha(_ key: String) -> String { Digest.hex(Digest.sha256(Array(key.utf8))) }

    static func keysFile(_ folder: TemporaryFolder, rate: Int = 100, maxQueued: Int = 100) -> String {
        folder.write(
            "keys.yaml",
            """
            keys:
              - id: alice
                sha256: \(sha("alice-secret"))
                rate_per_minute: \(rate)
                max_queued: \(maxQueued)
              - id: bob
                sha256: \(sha("bob-secret").uppercased())
                rate_per_minute: 100
                max_queued: 100
            """
        ).path
    }

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    @Test func theKeysFileLoadsAndKeysAreFoundByHash() throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: Self.keysFile(folder))
        #expect(keys.keys.map(\.id) == ["alice", "bob"])
        #expect(keys.key(presented: "alice-secret")?.id == "alice")
        #expect(keys.key(presented: "bob-secret")?.id == "bob")
        #expect(keys.key(presented: "alice-secreT") == nil)
        #expect(keys.key(presented: "") == nil)
    }

    @Test func aBrokenKeysFileIsRefusedNamingIt() {
        let folder = TemporaryFolder()
        let bad = folder.write("k.yaml", "keys:\n  - id: a\n    sha256: nothex\n    rate_per_minute: 1\n    max_queued: 1\n").path
        let e1 = #expect(throws: APIKeysError.self) { try APIKeys.load(path: bad) }
        #expect(e1?.description.contains("k.yaml") == true && e1?.description.contains("64 hex digits") == true)
        let e2 = #expect(throws: APIKeysError.self) { try APIKeys.load(path: folder.path("missing.yaml")) }
        #expect(e2?.description.contains("missing or unreadable") == true)
    }

    @Test func withKeysEveryV1RouteNeedsOneAndTheOpenRoutesDoNot() async throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: Self.keysFile(folder))
        let h = try APITestHarness { $0.keys = keys }
        try await h.run { c in
            let none = try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#)
            none.expectProblem(.unauthorized)
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            try await c.send(.get, "/v1/exercises", headers: Self.bearer("wrong")).expectProblem(.unauthorized)
            try await c.send(.get, "/v1/exercises", headers: [.authorization: "Basic YWxpY2U="]).expectProblem(.unauthorized)
            #expect(try await c.send(.get, "/v1/exercises", headers: Self.bearer("alice-secret")).status == .ok)
            #expect(try await c.send(.get, "/healthz").status == .ok)
            #expect(try await c.send(.get, "/openapi.json").status == .ok)
            // Alice's submission is not Bob's to read.
            let r = try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: Self.bearer("alice-secret"))
            let id = try #require(r.object["id"] as? String)
            #expect(try await h.queue.job(id)?.owner == "alice")
            #expect(try await c.send(.get, "/v1/submissions/\(id)", headers: Self.bearer("alice-secret")).status == .ok)
            try await c.send(.get, "/v1/submissions/\(id)", headers: Self.bearer("bob-secret")).expectProblem(.notFound)
        }
    }

    @Test func aKeyOverItsRateGets429WithRetryAfter() async throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: Self.keysFile(folder, rate: 2))
        let h = try APITestHarness { $0.keys = keys }
        try await h.run { c in
            for _ in 0..<2 { #expect(try await c.send(.get, "/v1/exercises", headers: Self.bearer("alice-secret")).status == .ok) }
            let r = try await c.send(.get, "/v1/exercises", headers: Self.bearer("alice-secret"))
            r.expectProblem(.tooManyRequests)
            let retry = try #require(r.headers[.retryAfter].flatMap(Int.init))
            #expect((1...30).contains(retry))
            // Another key has its own bucket.
            #expect(try await c.send(.get, "/v1/exercises", headers: Self.bearer("bob-secret")).status == .ok)
        }
    }

    @Test func aKeyOverItsQueueQuotaGets429UntilAJobEnds() async throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: Self.keysFile(folder, maxQueued: 2))
        let h = try APITestHarness { $0.keys = keys }
        try await h.run { c in
            let alice = Self.bearer("alice-secret")
            for _ in 0..<2 {
                #expect(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: alice).status == .created)
            }
            let r = try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: alice)
            r.expectProblem(.tooManyRequests)
            #expect(r.headers[.retryAfter] != nil)
            #expect(r.detail.contains("quota is 2"))
            let batch = try await c.send(.post, "/v1/batches", json: #"{"submissions":[{"source":"x"}]}"#, headers: alice)
            batch.expectProblem(.tooManyRequests)
            try await completeNext(h.queue)
            #expect(try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: alice).status == .created)
        }
    }
}
