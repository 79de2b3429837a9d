import Foundation
import Hummingbird
import PygradeKit

/// The routes about the server rather than a submission: its exercises,
/// health, readiness and metrics (the API document is
/// `APIServer.openAPIDocument`).
extension APIServer {
    private struct ExerciseList: Encodable {
        struct Item: Encodable {
            struct LimitsItem: Encodable {
                var time: Double
                var memory: Int
                var output: Int
                var budget: Double
            }
            var id: String
            var title: String
            var points: Double
            var tests: Int
            var limits: LimitsItem
        }
        var exercises: [Item]
        var exercisesSHA256: String
        enum CodingKeys: String, CodingKey {
            case exercises
            case exercisesSHA256 = "exercises_sha256"
        }
    }

    func exercises() -> Response {
        let items = catalog.exercises.sorted { $0.id < $1.id }.map { e in
            ExerciseList.Item(
                id: e.id, title: e.title, points: e.points, tests: e.tests.count,
                limits: .init(
                    time: e.limits.timeSeconds, memory: e.limits.memoryMiB, output: e.limits.outputBytes, budget: e.limits.budgetSeconds))
        }
        return Self.json(.ok, Self.encode(ExerciseList(exercises: items, exercisesSHA256: catalogHash)))
    }

    func ready() async throws -> Response {
        guard await queue.ping() else { throw Problem.unreachable }
        if configuration.grades, !configuration.workersUp() {
            throw Problem(.serviceUnavailable, "workers-down", "This node's grading workers are not up.", retryAfter: 5)
        }
        return Self.json(.ok, Data(#"{"status":"ready"}"#.utf8))
    }

    func metricsText() async throws -> Response {
        let text = try await metrics.render(queue: queue)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
