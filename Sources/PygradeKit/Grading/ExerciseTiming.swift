/// Where one exercise's time went, for `--timings` and the benchmarks.
public struct ExerciseTiming: Sendable {
    public var exercise: String
    public var roundTripMs: Double
    public var worker: JobTiming
    public var compareMs: Double
    public var candidateCPUms: Double
    /// Each test's CPU time by its index, hidden tests too: for `check`'s
    /// margin of the reference under an assignment's limits, never shown
    /// in a report (`Figures`).
    public var testCPUms: [Double] = []
    /// Whether the visible tests were run again, alone, for their text
    /// (output, exception messages), and what that round trip took (without
    /// the visible worker's start-up or building its inputs).
    public var visibleRun = false
    public var visibleRunMs: Double = 0
    /// The visible-only run as its worker saw it.
    public var visibleWorker = JobTiming()
}
