import Synchronization

/// Wakes the tasks waiting on one queue object: in `waitForJobs` (fired when
/// this process adds jobs, or when PostgreSQL sends a notification), or in
/// `waitForEnd` (keyed by the job's id: a long-poll wakes when its own job
/// ends, not at every job's end). A waiter also wakes after its timeout,
/// which is the polling fallback.
final class WakeSignal: Sendable {
    /// A waiter is known from the start of `wait`, before its continuation
    /// exists, so that a wake-up (fire, timer, cancellation) arriving in
    /// between is remembered instead of lost.
    private enum Slot {
        case starting
        case waiting(CheckedContinuation<Void, Never>)
        case woken
    }
    private struct State {
        var nextID = 0
        var slots: [Int: Slot] = [:]
        /// The key each waiter waits for (absent: any fire()).
        var keys: [Int: String] = [:]
    }
    private let state = Mutex(State())

    /// Wakes every task waiting now (with `key`: those waiting for it, and
    /// those waiting for no key in particular).
    func fire(key: String? = nil) {
        let waiting = state.withLock { state in
            var waiting: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in state.slots {
                if let key, let wanted = state.keys[id], wanted != key { continue }
                switch slot {
                case .waiting(let continuation):
                    waiting.append(continuation)
                    state.slots.removeValue(forKey: id)
                    state.keys.removeValue(forKey: id)
                case .starting: state.slots[id] = .woken
                case .woken: break
                }
            }
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns at the next `fire()` (of `key`, when one is given), after
    /// `timeout` seconds, or when the task is cancelled, whichever comes first.
    func wait(key: String? = nil, timeout: Double) async {
        let id = state.withLock { state in
            state.nextID += 1
            state.slots[state.nextID] = .starting
            state.keys[state.nextID] = key
            return state.nextID
        }
        // The timeout races the wake-up in a task group: child tasks keep
        // the caller's executor (an unstructured timer task would run on
        // the shared pool, and wait there behind whatever holds it).
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.suspend(id) }
            group.addTask { try? await Task.sleep(for: .seconds(max(0, timeout))) }
            await group.next()
            group.cancelAll()
        }
    }

    /// Returns when waiter `id` is woken (fire, wake, or its task cancelled).
    private func suspend(_ id: Int) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if case .woken = state.slots[id] {
                        state.slots.removeValue(forKey: id)
                        state.keys.removeValue(forKey: id)
                        return true
                    }
                    state.slots[id] = .waiting(continuation)
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.wake(id)
        }
    }

    private func wake(_ id: Int) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state.slots[id] {
            case .waiting(let continuation):
                state.slots.removeValue(forKey: id)
                state.keys.removeValue(forKey: id)
                return continuation
            case .starting:
                state.slots[id] = .woken
                return nil
            case .woken, nil: return nil
            }
        }
        continuation?.resume()
    }
}
