import Foundation

/// The reference's results, which every candidate's are compared against:
/// kept in memory once had, read from the disk cache (ExpectedStore), or,
/// when neither has them, read from a run of reference.py (`read`), which
/// must return plain data for every test.
final class ReferenceResults {
    let store: ExpectedStore
    private var byHash: [String: ExpectedResults] = [:]

    init(store: ExpectedStore) { self.store = store }

    /// From memory, or from the disk cache (then kept in memory).
    func cached(_ exercise: Exercise) -> ExpectedResults? {
        if let e = byHash[exercise.hash] { return e }
        if let e = store.load(exercise) {
            byHash[exercise.hash] = e
            return e
        }
        return nil
    }

    /// Results computed now: cached on disk (when it can be) and in memory.
    func keep(_ e: ExpectedResults, for exercise: Exercise) {
        try? store.save(exercise, e)
        byHash[exercise.hash] = e
    }

    /// The expected results in a run of reference.py, or, when the
    /// reference fails (it does not compile, breaks a rule, does not load,
    /// fails or modifies a test's input, returns what does not decode), an
    /// error that names the exercise broken. Pure.
    static func read(exercise: Exercise, response: JobResponse, blobs: [[UInt8]]) throws(GradeError) -> ExpectedResults {
        let file = exercise.folder.appendingPathComponent("reference.py").path
        func failing(_ problem: String) -> GradeError {
            GradeError(BrokenExercise(id: exercise.id, stage: .reference, problem: "\(file): \(problem)", place: file))
        }
        if response.compile == .syntaxError {
            throw failing("the reference does not compile: line \(response.syntaxLine ?? 0): \(response.syntaxMessage ?? "")")
        }
        if !response.ruleHits.isEmpty {
            let hit = response.ruleHits[0]
            throw failing("the reference breaks rule '\(hit.id)' \(hit.line > 0 ? "on line \(hit.line)" : "at run time")")
        }
        switch response.load {
        case .ok: break
        case .missing: throw failing("the reference does not define \(exercise.entry)")
        default: throw failing("the reference fails to load: \(FailureWords.fullLoad(response) ?? "")")
        }
        var encoded: [[UInt8]] = []
        var cpu: [Double] = []
        for (i, test) in exercise.tests.enumerated() {
            guard i < response.tests.count, response.tests[i].kind == .value, let b = response.tests[i].blob, b < blobs.count else {
                let o = i < response.tests.count ? response.tests[i] : nil
                let why =
                    o.map { "\($0.status?.rawValue ?? $0.kind.rawValue)\(FailureWords.full($0).map { ": \($0)" } ?? "")" } ?? "no result"
                throw failing("the reference fails test '\(test.name)': \(why)")
            }
            if response.tests[i].inputMutated {
                throw failing("the reference modifies the input of test '\(test.name)'")
            }
            encoded.append(blobs[b])
            cpu.append(response.tests[i].cpuMs)
        }
        do {
            return try ExpectedResults(encoded: encoded, referenceCPUms: cpu)
        } catch {
            throw failing("the reference returned undecodable data: \(error)")
        }
    }
}
