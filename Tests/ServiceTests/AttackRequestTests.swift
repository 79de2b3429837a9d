import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// A stranger's worst requests: each is answered 4xx (never 5xx, never a
/// crash), and the server still answers afterwards.
@Suite struct AttackRequestTests {
    static let alice = APIKeyTests.bearer("alice-secret")
    static let bob = APIKeyTests.bearer("bob-secret")

    static func keyed() throws -> APITestHarness {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: APIKeyTests.keysFile(folder, rate: 10_000, maxQueued: 10_000))
        return try APITestHarness { $0.keys = keys }
    }

    static func nested(_ depth: Int, open: String = "[", close: String = "]", leaf: String = "1") -> String {
        String(repeating: open, count: depth) + leaf + String(repeating: close, count: depth)
    }

    /// The router ignores empty path segments (`//v1/submissions` is the
    /// submissions route), so the key check must not read the path as text.
    @Test func aPathWithEmptySegmentsStillNeedsAKey() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            for path in ["//v1/submissions", "///v1/submissions", "//v1//submissions"] {
                let r = try await c.send(.post, path, json: #"{"source":"x"}"#)
                r.expectProblem(.unauthorized)
            }
            for path in ["//v1/exercises", "//v1/batches/bat_x", "//v1/submissions/sub_x"] {
                try await c.send(.get, path).expectProblem(.unauthorized)
            }
            #expect(try await h.queue.counts().values.reduce(0, +) == 0, "nothing was queued without a key")
        }
    }

    @Test func jsonDepthBombsAreAnswered4xxAndTheServerLives() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            let bombs = [
                #"{"source":"x","metadata":\#(Self.nested(100_000))}"#,
                #"{"source":"x","metadata":\#(Self.nested(100_000, open: #"{"a":"#, close: "}"))}"#,
                #"{"source":"x","assignment":\#(Self.nested(100_000, open: #"{"a":"#, close: "}"))}"#,
                #"{"source":"x","metadata":\#(Self.nested(500))}"#,
                #"{"source":"x","metadata":\#(Self.nested(500, open: #"{"a":"#, close: "}"))}"#,
                #"{"source":"x","assignment":\#(Self.nested(500, open: #"{"a":"#, close: "}"))}"#,
                #"{"source":"x","assignment":{"exercises":\#(Self.nested(500))}}"#,
                #"{"source":"x","assignment":{"exercises":[{"id":"reverse","limits":\#(Self.nested(500, open: #"{"a":"#, close: "}"))}]}}"#,
            ]
            for bomb in bombs {
                let r = try await c.send(.post, "/v1/submissions", json: bomb, headers: Self.alice)
                #expect(r.status.code < 500, "\(bomb.prefix(40)): \(r.status) \(r.text.prefix(200))")
                if r.status == .created, let id = r.object["id"] as? String {
                    let g = try await c.send(.get, "/v1/submissions/\(id)", headers: Self.alice)
                    #expect(g.status == .ok)
                }
            }
            let batch = #"{"submissions":[{"source":"x","metadata":\#(Self.nested(500))}]}"#
            #expect(try await c.send(.post, "/v1/batches", json: batch, headers: Self.alice).status.code < 500)
            #expect(try await c.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func waitValuesOutOfRangeAre400() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            let id = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: Self.alice).object["id"] as? String)
            for wait in ["-1", "1e308", "NaN", "nan", "61", "abc", "inf", "-0.0001", "", "1e-400%00"] {
                let r = try await c.send(.get, "/v1/submissions/\(id)?wait=\(wait)", headers: Self.alice)
                #expect(r.status == .badRequest || (r.status == .ok && ["", "1e-400%00"].contains(wait)), "wait=\(wait): \(r.status)")
            }
        }
    }

    @Test func hostileFieldsAre4xx() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            let names = [
                "a/b.py", "../x.py", "..py", ".hidden.py", "a\u{0}b.py", String(repeating: "a", count: 1000) + ".py", "é.py", "x.pyc", "",
                "/etc/passwd",
            ]
            for name in names {
                let files = jsonText(["source": "x", "filename": name])
                #expect(try await c.send(.post, "/v1/submissions", json: files, headers: Self.alice).status == .badRequest, "\(name)")
                let folder = jsonText(["files": [name: "x"]])
                #expect(try await c.send(.post, "/v1/submissions", json: folder, headers: Self.alice).status == .badRequest, "\(name)")
            }
            var many: [String: String] = [:]
            for i in 0..<101 { many["f\(i).py"] = "x" }
            #expect(try await c.send(.post, "/v1/submissions", json: jsonText(["files": many]), headers: Self.alice).status == .badRequest)
            let limits = [
                #"{"time":-1}"#, #"{"time":1e308}"#, #"{"memory":-5}"#, #"{"memory":1000000000000000000000}"#, #"{"budget":0}"#,
                #"{"time":"1"}"#, #"{"time":NaN}"#, #"{"time":Infinity}"#,
            ]
            for l in limits {
                let r = try await c.send(.post, "/v1/submissions", json: #"{"source":"x","limits":\#(l)}"#, headers: Self.alice)
                #expect(r.status == .badRequest || r.status == .unprocessableContent, "\(l): \(r.status)")
            }
            let dup = Array(repeating: "reverse", count: 50_000)
            let r = try await c.send(.post, "/v1/submissions", json: jsonText(["source": "x", "exercises": dup]), headers: Self.alice)
            #expect(r.status.code < 500, "\(r.status)")
        }
    }

    @Test func hugeAndOddAuthorizationHeadersAreRefusedCleanly() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            for value in ["Bearer " + String(repeating: "k", count: 60_000), "Bearer ключ-🔑", "Bearer", "Bearer  ", "bearer alice-secret "]
            {
                let r = try await c.send(.get, "/v1/exercises", headers: [.authorization: value])
                #expect(r.status.code < 500, "\(value.prefix(20)): \(r.status)")
                #expect(r.status != .ok || value == "bearer alice-secret ")
            }
            #expect(try await c.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func anotherKeysSubmissionsAndBatchesAreNotFound() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            let id = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#, headers: Self.alice).object["id"] as? String)
            let batch = try #require(
                try await c.send(.post, "/v1/batches", json: #"{"submissions":[{"source":"x"}]}"#, headers: Self.alice)
                    .object["id"] as? String)
            try await c.send(.get, "/v1/submissions/\(id)", headers: Self.bob).expectProblem(.notFound)
            try await c.send(.get, "/v1/submissions/\(id)?wait=1", headers: Self.bob).expectProblem(.notFound)
            try await c.send(.post, "/v1/submissions/\(id)/requeue", headers: Self.bob).expectProblem(.notFound)
            try await c.send(.get, "/v1/batches/\(batch)", headers: Self.bob).expectProblem(.notFound)
            // The same Idempotency-Key under two API keys: two jobs, no conflict, no leak of the other's id.
            var ha = Self.alice
            ha[HTTPField.Name("Idempotency-Key")!] = "k1"
            var hb = Self.bob
            hb[HTTPField.Name("Idempotency-Key")!] = "k1"
            let a = try await c.send(.post, "/v1/submissions", json: #"{"source":"a"}"#, headers: ha)
            let b = try await c.send(.post, "/v1/submissions", json: #"{"source":"b"}"#, headers: hb)
            #expect(a.status == .created && b.status == .created)
            #expect(a.object["id"] as? String != b.object["id"] as? String)
            #expect(!b.text.contains(a.object["id"] as? String ?? "?"))
        }
    }

    @Test func concurrentPostsWithOneIdempotencyKeyMakeOneJob() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            var h0 = Self.alice
            h0[HTTPField.Name("Idempotency-Key")!] = "race"
            let headers = h0
            let answers = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let r = try await c.send(.post, "/v1/submissions", json: #"{"source":"same"}"#, headers: headers)
                        return (r.status.code, r.object["id"] as? String)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.0 == 200 || $0.0 == 201 }, "\(answers)")
            #expect(Set(answers.compactMap(\.1)).count == 1)
            #expect(try await h.queue.pending(owner: "alice") == 1)
        }
    }
    /// Requeueing a failed submission queues it again: it counts against
    /// the key's quota like a new one.
    @Test func requeueIsHeldToTheKeysQuota() async throws {
        let folder = TemporaryFolder()
        let keys = try APIKeys.load(path: APIKeyTests.keysFile(folder, rate: 10_000, maxQueued: 1))
        let h = try APITestHarness { $0.keys = keys }
        try await h.run { c in
            let first = try #require(
                try await c.send(.post, "/v1/submissions", json: #"{"source":"a"}"#, headers: Self.alice).object["id"] as? String)
            let lease = try #require(
                try await h.queue.claim(worker: "t", exercisesSHA256: CatalogHash.of(APITestHarness.catalog), leaseSeconds: 60))
            #expect(try await h.queue.fail(lease, reason: "broken", retry: false))
            #expect(try await c.send(.post, "/v1/submissions", json: #"{"source":"b"}"#, headers: Self.alice).status == .created)
            try await c.send(.post, "/v1/submissions/\(first)/requeue", headers: Self.alice).expectProblem(.tooManyRequests)
            #expect(try await h.queue.pending(owner: "alice") == 1)
        }
    }
    /// Many nested arrays inside one body: refused on its bytes, at once,
    /// rather than decoded for a minute (each level of `JSONValue` costs
    /// failed tries that carry the whole coding path).
    @Test func aBodyOfManyNestedValuesIsRefusedQuickly() async throws {
        let h = try Self.keyed()
        try await h.run { c in
            let manyDeep = Array(repeating: Self.nested(64), count: 7000).joined(separator: ",")
            let manyShallow = Array(repeating: Self.nested(30), count: 14_000).joined(separator: ",")
            for (name, items) in [("deep", manyDeep), ("shallow", manyShallow)] {
                let start = ContinuousClock.now
                let r = try await c.send(.post, "/v1/submissions", json: #"{"source":"x","metadata":[\#(items)]}"#, headers: Self.alice)
                r.expectProblem(.badRequest)
                #expect(ContinuousClock.now - start < .seconds(5), "\(name) took \(ContinuousClock.now - start)")
                let batch = #"{"submissions":[{"source":"x","assignment":[\#(items)]}]}"#
                let b = try await c.send(.post, "/v1/batches", json: batch, headers: Self.alice)
                b.expectProblem(.badRequest)
            }
            // What a real request nests still goes through.
            let fine = #"{"source":"x","metadata":{"a":{"b":[1,[2,{"c":3}]]}}}"#
            #expect(try await c.send(.post, "/v1/submissions", json: fine, headers: Self.alice).status == .created)
        }
    }
}
