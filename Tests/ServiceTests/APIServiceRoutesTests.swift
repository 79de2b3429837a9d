import Foundation
import Hummingbird
import HummingbirdTesting
import PygradeKit
import Testing

@testable import PygradeService

/// Health, readiness, metrics, exercises, and 503 when the queue cannot be
/// reached (the API document: APIOpenAPITests).
@Suite struct APIServiceRoutesTests {
    @Test func healthReadinessAndExercises() async throws {
        let h = try APITestHarness { $0.grades = true }
        try await h.run { c in
            #expect(try await c.send(.get, "/healthz").object["status"] as? String == "ok")
            #expect(try await c.send(.get, "/readyz").status == .ok)
            let list = try await c.send(.get, "/v1/exercises").object
            let items = try #require(list["exercises"] as? [[String: Any]])
            #expect(items.map { $0["id"] as? String } == APITestHarness.catalog.exercises.map(\.id).sorted())
            #expect(items.allSatisfy { $0["points"] is Double && $0["title"] is String && $0["limits"] is [String: Any] })
            #expect(list["exercises_sha256"] as? String == CatalogHash.of(APITestHarness.catalog))
        }
    }

    @Test func readinessIs503WhenTheWorkersAreDown() async throws {
        let h = try APITestHarness {
            $0.grades = true
            $0.workersUp = { false }
        }
        try await h.run { c in
            let r = try await c.send(.get, "/readyz")
            r.expectProblem(.serviceUnavailable)
            #expect(r.detail.contains("workers"))
            #expect(try await c.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func anUnreachableQueueIs503WithRetryAfter() async throws {
        let h = try APITestHarness(queue: APIUnreachableQueue())
        try await h.run { c in
            for r in [
                try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#),
                try await c.send(.get, "/v1/submissions/sub_abc"),
                try await c.send(.get, "/readyz"),
                try await c.send(.get, "/metrics"),
            ] {
                r.expectProblem(.serviceUnavailable)
                #expect(r.headers[.retryAfter] == "5")
            }
            #expect(try await c.send(.get, "/healthz").status == .ok)
        }
    }

    @Test func metricsNameEveryServiceMetric() async throws {
        let h = try APITestHarness()
        try await h.run { c in
            _ = try await c.send(.post, "/v1/submissions", json: #"{"source":"x"}"#)
            let r = try await c.send(.get, "/metrics")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            for name in [
                "pygrade_queue_depth 1", #"pygrade_jobs{state="queued"} 1"#, #"pygrade_jobs{state="done"} 0"#, "pygrade_grading_seconds",
                "pygrade_queue_wait_seconds", "pygrade_worker_restarts_total", "pygrade_callbacks_total",
            ] {
                #expect(r.text.contains(name), "\(name) missing from:\n\(r.text)")
            }
        }
    }

    @Test func catalogHashIsOverIdsAndHashesInIdOrder() {
        let catalog = APITestHarness.catalog
        var reversed = catalog
        reversed.exercises.reverse()
        #expect(CatalogHash.of(catalog) == CatalogHash.of(reversed))
        let text = catalog.exercises.sorted { $0.id < $1.id }.map { "\($0.id)=\($0.hash)\n" }.joined()
        #expect(CatalogHash.of(catalog) == Digest.hex(Digest.sha256(Array(text.utf8))))
        var other = catalog
        other.exercises[0].hash = "changed"
        #expect(CatalogHash.of(other) != CatalogHash.of(catalog))
    }
}
