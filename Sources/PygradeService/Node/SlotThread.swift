import Foundation
import PygradeKit

/// One dedicated thread that runs closures in order. A `Grader` blocks (it
/// waits on its worker's pipes) and is not `Sendable`: it lives on its
/// slot's thread and is only ever touched there, never on the Swift
/// concurrency pool, whose few threads it would otherwise hold.
final class SlotThread: @unchecked Sendable {
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var work: [@Sendable () -> Void] = []
    private var ended = false

    init(name: String) {
        let thread = Thread { [self] in self.main() }
        thread.name = name
        // Its workers are processes, but its own comparisons of a deep result
        // recurse: the stack a grading thread needs.
        thread.stackSize = Grader.threadStackBytes
        thread.start()
    }

    /// Runs `body` on the thread, after what was given before, and returns its value.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (c: CheckedContinuation<T, Never>) in
            submit { c.resume(returning: body()) }
        }
    }

    /// Queues `body` without waiting for it.
    func submit(_ body: @escaping @Sendable () -> Void) {
        condition.lock()
        work.append(body)
        condition.signal()
        condition.unlock()
    }

    /// The thread ends once what was queued has run.
    func end() {
        condition.lock()
        ended = true
        condition.signal()
        condition.unlock()
    }

    private func main() {
        while true {
            condition.lock()
            while work.isEmpty && !ended { condition.wait() }
            if work.isEmpty {
                condition.unlock()
                return
            }
            let next = work.removeFirst()
            condition.unlock()
            next()
        }
    }
}
