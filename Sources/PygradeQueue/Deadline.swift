import Synchronization

/// Bounds how long a call to PostgreSQL may take. The connection pool keeps
/// a request waiting while it retries an unreachable server (for up to a
/// minute), and the API must answer 503 well before that: past the deadline
/// the caller gets `onTimeout` and the work is cancelled in the background.
enum Deadline {
    static func run<T: Sendable>(
        seconds: Double, onTimeout: @escaping @Sendable () -> QueueError,
        _ operation: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let race = Race<T>()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                race.start(
                    continuation,
                    timer: Task {
                        guard (try? await Task.sleep(for: .seconds(seconds))) != nil else { return }
                        race.finish(.failure(onTimeout()))
                    },
                    work: Task { race.finish(await Result(catching: { try await operation() })) })
            }
        } onCancel: {
            race.cancel()
        }
    }

    /// The first of the operation and the timer resumes the caller and
    /// cancels the other.
    private final class Race<T: Sendable>: Sendable {
        private struct State {
            var continuation: CheckedContinuation<T, any Error>?
            var result: Result<T, any Error>?
            var timer: Task<Void, Never>?
            var work: Task<Void, Never>?
            var cancelled = false
        }
        private let state = Mutex(State())

        func start(_ continuation: CheckedContinuation<T, any Error>, timer: Task<Void, Never>, work: Task<Void, Never>) {
            let early: Result<T, any Error>? = state.withLock { state in
                state.timer = timer
                state.work = work
                if state.cancelled { work.cancel() }
                // Both tasks may have ended before they were stored here.
                if let result = state.result { return result }
                state.continuation = continuation
                return nil
            }
            if let early {
                timer.cancel()
                work.cancel()
                continuation.resume(with: early)
            }
        }

        func finish(_ result: Result<T, any Error>) {
            let (continuation, others) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
                guard state.result == nil else { return (nil, []) }
                state.result = result
                let continuation = state.continuation
                state.continuation = nil
                return (continuation, [state.timer, state.work].compactMap { $0 })
            }
            for task in others { task.cancel() }
            continuation?.resume(with: result)
        }

        func cancel() {
            state.withLock { state in
                state.cancelled = true
                return state.work
            }?.cancel()
        }
    }
}

extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do {
            self = .success(try await body())
        } catch {
            self = .failure(error)
        }
    }
}
