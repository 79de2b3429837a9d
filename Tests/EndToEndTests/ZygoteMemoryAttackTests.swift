import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Feedback attacks: another candidate's code in the memory of a zygote
/// forked later, in a job child and in the visible-only worker.
@Suite("Feedback attacks: zygote memory")
struct ZygoteMemoryAttackTests: FeedbackAttackSupport {
    // MARK: Another candidate's code in a zygote forked later

    /// Two one-line exercises, `alpha` and `beta`, each `2 * x` on one
    /// visible and one hidden test; candidates as given (path to source).
    static func twoExercises(_ candidates: [String: String]) throws -> Arena {
        let arena = try Arena()
        for id in ["alpha", "beta"] {
            try arena.write(
                "pair/\(id)/exercise.yaml",
                "id: \(id)\ntitle: \(id)\nentry: \(id)\ntests:\n"
                    + "  - {name: one, visibility: visible, hint: basic, args: ['1']}\n  - {name: two, hint: edge, args: ['2']}\n")
            try arena.write("pair/\(id)/reference.py", "def \(id)(x):\n    return 2 * x\n")
            try arena.write("pair/\(id)/starter.py", "def \(id)(x):\n    pass\n")
            try arena.write("pair/\(id)/prompt.md", "Twice x.\n")
        }
        for (path, source) in candidates { try arena.write("candidates/\(path)", source) }
        return arena
    }

    /// `batch --jobs 1` (one worker, one visible-only worker) over the
    /// arena's candidates on the two exercises: each record by file name.
    static func batchPair(_ arena: Arena) throws -> [String: [String: Any]] {
        let out = arena.path("results.jsonl")
        // The heap scanner reads memory with ctypes, which no-native-code
        // stops at import: left out (with Landlock, which keeps libffi out
        // of view), so that this tests the zygote's memory, as
        // CrossCandidateTests does.
        let run = try Self.run(
            ["batch", arena.candidates, "--exercises-dir", arena.path("pair"), "--jobs", "1", "--out", out, "--no-progress"],
            environment: ["PYGRADE_SANDBOX_DISABLE": CrossCandidateTests.nativeCode])
        #expect(run.status == 0, "\(run.err)")
        var records: [String: [String: Any]] = [:]
        for line in BatchScratch.lines(out) {
            guard let record = line, let path = record["submission"] as? String else { continue }
            records[URL(fileURLWithPath: path).lastPathComponent] = record
        }
        return records
    }

    static func exercise(_ record: [String: Any]?, _ id: String) -> [String: Any]? {
        (record?["exercises"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// Found by this suite, and it fails on the code it was written on. A
    /// worker's base keeps the code of the last file it compiled
    /// (CompileRunner: a file holding every exercise is compiled once), and
    /// a zygote is forked from the base when an exercise is first needed. In
    /// a batch, the first candidate is a folder holding `alpha.py` only, so
    /// `beta` is first prepared for the second candidate: its zygote, and
    /// every job child of `beta` after it, holds the first candidate's
    /// compiled `alpha.py`. The second candidate's `beta` searches its heap
    /// for a token of that file (CrossCandidateTests.scanner: it must find
    /// its own planted copy, else it raises) and answers wrong if it finds
    /// it. (It got wrong_answer: the token, and with it the first
    /// candidate's code, constants and bytecode, was there to read, to print
    /// or to run.)
    @Test func aZygoteForkedForALaterCandidateHoldsNoEarlierCandidatesCode() throws {
        let token = "LEAKMARK-\(UUID().uuidString)"
        let arena = try Self.twoExercises([
            "a_first/alpha.py": "NOTE = '\(token)'\n\n\ndef alpha(x):\n    return 2 * x\n",
            "b_second.py": CrossCandidateTests.scanner(for: token) + """
                def beta(x):
                    if not found_control:
                        raise ValueError("the scan found not even its planted copy")
                    if leaks:
                        return 0
                    return 2 * x


                def alpha(x):
                    return 2 * x
                """,
        ])
        defer { arena.remove() }
        let records = try Self.batchPair(arena)
        #expect(Self.exercise(records["a_first"], "alpha")?["status"] as? String == "passed", "\(records)")
        let beta = Self.exercise(records["b_second.py"], "beta")
        // wrong_answer: the first candidate's code was in this job child's memory.
        #expect(beta?["status"] as? String == "passed", "\(beta ?? [:])")
    }

    /// The same through the visible-only worker, where what a visible test
    /// prints reaches the report: the first candidate prints in `alpha`
    /// (its visible-only run compiles it there), the second prints in
    /// `beta`, whose visible-only zygote is then forked holding the first
    /// candidate's code, and prints what its heap search found. (It printed
    /// "control True leaks 1", and could print the first candidate's code
    /// into its own report: it did, in the run this test was written from.)
    @Test func theVisibleOnlyWorkerHoldsNoEarlierCandidatesCode() throws {
        let token = "LEAKMARK-\(UUID().uuidString)"
        let arena = try Self.twoExercises([
            "a_first.py":
                "NOTE = '\(token)'\n\n\ndef alpha(x):\n    print('alpha says', x)\n    return 2 * x\n\n\ndef beta(x):\n    return 2 * x\n",
            "b_second.py": CrossCandidateTests.scanner(for: token) + """
                def beta(x):
                    print("control", found_control, "leaks", leaks)
                    return 2 * x


                def alpha(x):
                    return 2 * x
                """,
        ])
        defer { arena.remove() }
        let records = try Self.batchPair(arena)
        let beta = Self.exercise(records["b_second.py"], "beta")
        let output = (beta?["tests"] as? [[String: Any]])?.first?["output"] as? String
        #expect(output == "control True leaks 0\n", "\(beta ?? [:])")
    }
}
