import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// Runs the API on a free loopback port (HummingbirdTesting `.live`: real
/// HTTP over a socket) against a queue, with a temp data folder.
struct APITestHarness {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let catalog: ExerciseCatalog = {
        do throws(DefinitionError) {
            return try ExerciseCatalog.load(from: root.appendingPathComponent("Exercises"))
        } catch {
            fatalError("The repository's Exercises folder does not load: \(error)")
        }
    }()

    let queue: any JobQueue
    let folder = TemporaryFolder(prefix: "pygrade-api")
    var configuration: APIConfiguration
    /// The server's count of open long-polls, for the tests to read.
    let longPolls = LongPollLimiter()

    init(queue: (any JobQueue)? = nil, edit: (inout APIConfiguration) -> Void = { _ in }) throws {
        self.queue = try queue ?? Self.makeQueue(in: folder)
        configuration = APIConfiguration(dataFolder: folder.url)
        edit(&configuration)
    }

    /// The queue the tests run against: the embedded default, a real SQLite
    /// file in the test's folder.
    static func makeQueue(in folder: TemporaryFolder) throws -> any JobQueue {
        try SQLiteQueue(path: folder.path("queue.sqlite"))
    }

    /// A harness on a new queue of `driver`: a SQLite file in the test's
    /// folder, or a new database of the tests' throw-away PostgreSQL.
    static func with(_ driver: APIQueueDriver, edit: (inout APIConfiguration) -> Void = { _ in }) async throws -> APITestHarness {
        switch driver {
        case .sqlite: return try APITestHarness(edit: edit)
        case .postgres:
            let url = try await PostgresServer.shared.createDatabase()
            return try APITestHarness(queue: try await QueueLocation(parsing: url).open(), edit: edit)
        }
    }

    /// Runs `body` with a client of the running application.
    func run<T: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> T) async throws -> T {
        // Warnings and errors only: a start-up line per test is noise.
        var logger = Logger(label: "pygrade.api.test")
        logger.logLevel = .warning
        let app = APIServer.makeApplication(
            APIServer(
                configuration: configuration, queue: queue, metrics: ServiceMetrics(), catalog: Self.catalog, longPolls: longPolls),
            logger: logger)
        let queue = self.queue
        do {
            // Off the cooperative pool: see DedicatedExecutor.
            let value = try await withTaskExecutorPreference(DedicatedExecutor.shared) {
                try await app.test(.live) { client in try await body(client) }
            }
            await queue.close()
            return value
        } catch {
            await queue.close()
            throw error
        }
    }
}

/// The queue drivers the API's queue-backed behaviour is tested on.
enum APIQueueDriver: String, CaseIterable, Sendable {
    case sqlite, postgres
}

extension TestClientProtocol {
    /// Sends `json` (text) to `uri`.
    func send(
        _ method: HTTPRequest.Method, _ uri: String, json: String? = nil, headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var h = headers
        if json != nil { h[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: h, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }

    /// The body as a JSON object (an empty one when it is not).
    var object: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
    }

    /// Checks a problem document: status, content type, its fields.
    func expectProblem(_ status: HTTPResponse.Status, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(self.status == status, "body: \(text)", sourceLocation: sourceLocation)
        #expect(headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
        let o = object
        #expect(o["status"] as? Int == status.code, sourceLocation: sourceLocation)
        #expect((o["type"] as? String)?.hasPrefix("urn:pygrade:problem:") == true, sourceLocation: sourceLocation)
        #expect(o["title"] as? String == status.reasonPhrase, sourceLocation: sourceLocation)
        #expect(!((o["detail"] as? String) ?? "").isEmpty, sourceLocation: sourceLocation)
    }

    var detail: String { object["detail"] as? String ?? "" }
}

/// The headers of a request with this `Idempotency-Key`.
func idempotency(_ key: String) -> HTTPFields {
    var h = HTTPFields()
    h[HTTPField.Name("Idempotency-Key")!] = key
    return h
}

/// JSON text of a value (for request bodies).
func jsonText(_ value: Any) -> String {
    String(decoding: (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])) ?? Data(), as: UTF8.self)
}

/// A report as a grader writes it (what the batch summary reads).
func fakeReport(verdict: String, score: Double) -> Data {
    Data(
        #"{"schema":"pygrade.report/1","submission":"submission.py","verdict":"\#(verdict)","score":\#(score),"max_score":100,"exercises":[]}"#
            .utf8)
}

/// Grades the next queued job of `queue` by hand: claims it and completes
/// it with `report` (the API's tests need no real grader).
@discardableResult
func completeNext(_ queue: any JobQueue, report: Data = fakeReport(verdict: "passed", score: 100)) async throws -> String? {
    guard let lease = try await queue.claim(worker: "test", exercisesSHA256: CatalogHash.of(APITestHarness.catalog), leaseSeconds: 60)
    else { return nil }
    _ = try await queue.complete(lease, result: report)
    return lease.jobID
}
