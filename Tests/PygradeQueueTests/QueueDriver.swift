import Foundation
import TestSupport
import Testing

@testable import PygradeQueue

/// The two drivers the conformance tests run against: each test gets a fresh
/// store (a new SQLite file, or a new database in the shared PostgreSQL
/// cluster) and may open it more than once, as other processes would.
enum Driver: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    func makeStore() async throws -> Store {
        switch self {
        case .sqlite:
            let folder = TemporaryFolder(prefix: "pygrade-queue")
            return Store(location: .sqlite(path: folder.path("data/queue.sqlite")), folder: folder)
        case .postgres:
            return Store(location: try QueueLocation(parsing: try await PostgresServer.shared.createDatabase()), folder: nil)
        }
    }
}

/// One store, and the folder that holds it (kept alive as long as the store).
struct Store: Sendable {
    let location: QueueLocation
    let folder: TemporaryFolder?

    func open() async throws -> any JobQueue { try await location.open() }
}

/// Runs `body` with a queue on a fresh store of `driver`, closed after.
func withQueue(_ driver: Driver, _ body: (Store, any JobQueue) async throws -> Void) async throws {
    // Off the cooperative pool (see DedicatedExecutor): the timing checks
    // must not wait for other tests that block it.
    try await withTaskExecutorPreference(DedicatedExecutor.shared) { try await withQueueOnThisExecutor(driver, body) }
}

private func withQueueOnThisExecutor(_ driver: Driver, _ body: (Store, any JobQueue) async throws -> Void) async throws {
    let store = try await driver.makeStore()
    let queue = try await store.open()
    do {
        try await body(store, queue)
    } catch {
        await queue.close()
        throw error
    }
    await queue.close()
}

/// A job with what the tests vary; the rest as the service would fill it.
func newJob(
    owner: String = "local", key: String? = nil, request: String = "request-1", exercises: String = "ex-A", priority: Int = 0,
    maxAttempts: Int = 3, callback: String? = nil, payload: String = #"{"source":"print(1)"}"#
) -> NewJob {
    NewJob(
        payload: Data(payload.utf8), exercisesSHA256: exercises, owner: owner, idempotencyKey: key, requestSHA256: request,
        callbackURL: callback, maxAttempts: maxAttempts, priority: priority)
}

/// Enqueues one job and returns its id (a new one).
func add(_ queue: any JobQueue, _ job: NewJob = newJob()) async throws -> String {
    let outcome = try await queue.enqueue([job], batchOwner: nil).outcomes
    guard outcome.count == 1, case .created(let id) = outcome[0] else {
        throw QueueTestFailure("enqueue of a new job gave \(outcome)")
    }
    return id
}

struct QueueTestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// Waits `seconds` (so that a short lease expires).
func pause(_ seconds: Double) async throws { try await Task.sleep(for: .seconds(seconds)) }
