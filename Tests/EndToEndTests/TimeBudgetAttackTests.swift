import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Integrity attacks on time: however a submission waits, spins or
/// crashes, grading it ends within a minute.
@Suite("Integrity attacks: time")
struct TimeBudgetAttackTests {
    // MARK: Time

    /// The references' expected results computed and cached (a first grade
    /// on a cold cache builds every exercise's inputs and runs its
    /// reference): the minute below bounds what a submission can cost, not
    /// that one-off set-up, which would otherwise land on whichever timed
    /// test runs first.
    static func warmExpectedResults() throws {
        let warm = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--format", "json"], timeout: 600)
        #expect(warm.status == 0, "\(warm.stderr)")
    }

    /// The five exercises' answers, each made to wait in every call by `delay`
    /// (Python statements, `cpu` the test's CPU limit in seconds) first.
    /// Grades `source` as JSON on warm expected results, expects it done in
    /// under a minute, and gives its exercises' statuses and its stderr.
    /// With a wall budget of 4 s per exercise (`--wall-budget`), five
    /// exercises owe 20 s and the visible-only re-runs that follow: the
    /// minute leaves room for a machine whose two cores the rest of the
    /// suite (the service's tests among them) keeps busy, where the default
    /// 10 s budget left under 10 s for everything else.
    static func gradedWithinAMinute(_ name: String, _ source: String) throws -> ([String], String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-\(name)-\(UUID().uuidString).py")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.warmExpectedResults()
        let result = try PygradeBinary.run(["grade", file.path, "--format", "json", "--wall-budget", "4"], timeout: 600)
        #expect(result.seconds < 60, "one submission took \(Int(result.seconds)) s")
        let statuses = (try? result.json()["exercises"] as? [[String: Any]])?.map { $0["status"] as? String ?? "?" } ?? []
        return (statuses, result.stderr)
    }

    static func everyExercise(delay: String) throws -> String {
        var source = try NextCandidateAttackTests.correctSource()
        for (entry, cpu) in [("find_duplicates", 1), ("flatten_list", 2), ("reverse_string", 1), ("simple_cache", 1), ("are_anagrams", 1)] {
            let def = source.range(of: "def \(entry)(")!
            let bodyStart = source[def.upperBound...].range(of: ":\n")!.upperBound
            let indented = delay.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            source.insert(contentsOf: "    cpu = \(cpu)\n\(indented)\n", at: bodyStart)
        }
        return "import time\n\n" + source
    }

    /// Slow on the code it was found on (about 4 minutes): every call sleeps
    /// just under its test's wall-clock limit (2 × CPU + 1 s), then answers
    /// right. Sleeping costs no CPU, so each test passed, and the submission
    /// held its worker for some 250 s. With a wall-clock budget per exercise
    /// (10 s by default), the tests past it are not run and count as
    /// time_limit_exceeded: one submission of five exercises takes under a
    /// minute whatever it does.
    @Test func slowSleepingJustUnderEveryWallLimitEndsWithinAMinute() throws {
        let (statuses, stderr) = try Self.gradedWithinAMinute("sleeper", try Self.everyExercise(delay: "time.sleep(2 * cpu + 1 - 0.2)"))
        #expect(statuses == Array(repeating: "time_limit_exceeded", count: 5), "\(statuses) \(stderr)")
    }

    /// Slow on the code it was found on (about 90 s): every call spins until
    /// killed, which costs the full CPU limit of every test, one after the
    /// other. The same budget per exercise ends it within a minute.
    @Test func slowSpinningInEveryCallEndsWithinAMinute() throws {
        let (statuses, stderr) = try Self.gradedWithinAMinute("spinner", try Self.everyExercise(delay: "while cpu:\n    pass"))
        #expect(statuses == Array(repeating: "time_limit_exceeded", count: 5), "\(statuses) \(stderr)")
    }

    /// Slow on the code it was found on (about 4 minutes): the module sleeps
    /// just under the load's wall-clock limit while loading, and every call
    /// ends its process. Each test then costs a new child, which loads (and
    /// sleeps) again: the budget must count the loads of respawned children
    /// too, not only the tests.
    @Test func slowSleepingAtLoadAndCrashingInEveryCallEndsWithinAMinute() throws {
        let source =
            "import os\n"
            + (try Self.everyExercise(delay: "os._exit(0)")).replacingOccurrences(
                of: "import time\n\n", with: "import time\n\ntime.sleep(2.8)  # the load's wall-clock limit is 3 s (5 s for flatten)\n\n")
        let (statuses, stderr) = try Self.gradedWithinAMinute("respawner", source)
        #expect(
            statuses.count == 5 && statuses.allSatisfy { ["runtime_error", "time_limit_exceeded"].contains($0) },
            "\(statuses) \(stderr)")
    }
}
