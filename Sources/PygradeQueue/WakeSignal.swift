import Synchronization

/// Wakes the tasks waiting in `waitForJobs` of one queue object: fired when
/// this process adds jobs (SQLite) or when PostgreSQL sends a notification.
/// A waiter also wakes after its timeout, which is the polling fallback.
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
    }
    private let state = Mutex(State())

    /// Wakes every task waiting now.
    func fire() {
        let waiting = state.withLock { state in
            var waiting: [CheckedContinuation<Void, Never>] = []
            for (id, slot) in state.slots {
                switch slot {
                case .waiting(let continuation):
                    waiting.append(continuation)
                    state.slots.removeValue(forKey: id)
                case .starting: state.slots[id] = .woken
                case .woken: break
                }
            }
            return waiting
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns at the next `fire()`, after `timeout` seconds, or when the
    /// task is cancelled, whichever comes first.
    func wait(timeout: Double) async {
        let id = state.withLock { state in
            state.nextID += 1
            state.slots[state.nextID] = .starting
            return state.nextID
        }
        let timer = Task {
            try? await Task.sleep(for: .seconds(max(0, timeout)))
            self.wake(id)
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state in
                    if case .woken = state.slots[id] {
                        state.slots.removeValue(forKey: id)
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
        timer.cancel()
    }

    private func wake(_ id: Int) {
        let continuation: CheckedContinuation<Void, Never>? = state.withLock { state in
            switch state.slots[id] {
            case .waiting(let continuation):
                state.slots.removeValue(forKey: id)
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
