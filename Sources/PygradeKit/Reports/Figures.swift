/// What a report says of time and memory, and of which tests
/// (docs/reports.md, "Figures"). Every figure is the worker's own reading
/// from the kernel, but the candidate chooses what there is to read: code
/// that spins or allocates by a test's input makes that test's figures
/// carry the input. So a test's own figures are shown for a visible test
/// only (its input is in the report anyway); every hidden test of an
/// exercise shows the same two numbers, the hidden tests' mean CPU time and
/// their highest peak (`hidden`): the report keeps the fields the contract
/// lists for every test (pygrade.report/1 drops none), and they say nothing
/// of one hidden test alone. The exercise shows its totals too.
enum Figures {
    /// Whether a test's own `cpu_ms` and `peak_kib` appear in a report.
    static func shown(for visibility: Visibility) -> Bool { visibility == .visible }

    /// The figures every hidden test of `exercise` shows: the mean CPU time
    /// of its hidden tests that ran (over all its hidden tests), and their
    /// highest peak.
    static func hidden(_ response: JobResponse, exercise: Exercise) -> (cpuMs: Double, peakKiB: Int) {
        let hidden = Set(exercise.tests.indices.filter { exercise.tests[$0].visibility == .hidden })
        guard !hidden.isEmpty else { return (0, 0) }
        let ran = response.tests.filter { hidden.contains($0.index) }
        return (ran.reduce(0) { $0 + $1.cpuMs } / Double(hidden.count), ran.map(\.peakKiB).max() ?? 0)
    }

    /// The CPU time of every test the run measured, in milliseconds.
    static func cpuMs(_ response: JobResponse) -> Double { response.tests.reduce(0) { $0 + $1.cpuMs } }

    /// The highest peak resident memory of any test, in KiB.
    static func peakKiB(_ response: JobResponse) -> Int { response.tests.map(\.peakKiB).max() ?? 0 }

    /// Each test's CPU time by its index (0 for a test that did not run),
    /// for `check`'s margin of the reference: never for a report.
    static func testCPUms(_ response: JobResponse, tests: Int) -> [Double] {
        var out = [Double](repeating: 0, count: tests)
        for t in response.tests where t.index >= 0 && t.index < tests { out[t.index] = t.cpuMs }
        return out
    }
}
