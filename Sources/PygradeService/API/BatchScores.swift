import Synchronization

/// The verdict and score of done jobs, as a batch's summary counts them: a
/// done job's report never changes, so each is read from the queue and
/// decoded once per API node rather than on every poll of its batch.
/// Bounded: past `capacity` entries it starts again empty.
final class BatchScores: Sendable {
    struct Score: Sendable {
        var passed: Bool
        var score: Double
    }

    private let scores = Mutex<[String: Score]>([:])
    let capacity: Int

    init(capacity: Int = 100_000) { self.capacity = capacity }

    func score(of jobID: String) -> Score? { scores.withLock { $0[jobID] } }

    func keep(_ score: Score, of jobID: String) {
        scores.withLock { scores in
            if scores.count >= capacity { scores.removeAll(keepingCapacity: true) }
            scores[jobID] = score
        }
    }
}
