/// What a report says of time and memory, and of which tests
/// (docs/reports.md, "Figures"). Every figure is the worker's own reading
/// from the kernel, but the candidate chooses what there is to read: code
/// that spins or allocates by a test's input makes that test's figures
/// carry the input. So a test's own figures are shown for a visible test
/// only (its input is in the report anyway), and the exercise shows its
/// totals, one number each however many hidden tests it has.
enum Figures {
    /// Whether a test's own `cpu_ms` and `peak_kib` appear in a report.
    static func shown(for visibility: Visibility) -> Bool { visibility == .visible }

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
