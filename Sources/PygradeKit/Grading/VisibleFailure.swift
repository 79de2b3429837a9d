/// What a report shows of a failing visible test besides words, so that it
/// teaches: the call, the expected value and the value returned, each as
/// Python would write it (PyRepr) and cut to a readable length.
///
/// Where each comes from is what makes it safe to show:
/// - the call, from the visible-only worker's zygote, which built the
///   visible tests' inputs alone and sent their start before any candidate
///   code ran (`VisibleText.arguments`): a candidate that changes its
///   arguments, or digs for hidden ones, changes nothing in it;
/// - the expected value, from the reference solution (ExpectedStore);
/// - the value returned, from the visible-only run, never from the normal
///   run, whose process held every hidden input and could return one.
struct VisibleFailure {
    var call: String?
    var expected: String?
    var got: String?
    /// The normal run's answer was wrong, the visible-only run's right (the
    /// code is not deterministic): no value to show, the words say so.
    var passedAlone = false

    init() {}

    /// `arguments`: the test's (args, kwargs) stream from the zygote, or
    /// its start; `again`: the test in the visible-only run, whose results
    /// are `blobs`.
    init(
        test: TestCase, exercise: Exercise, status: TestStatus, expected: PyValue?, arguments: [UInt8]?, again: TestOutcome?,
        blobs: [[UInt8]]
    ) {
        if let arguments, let (value, cut) = ValueCodec.decodePrefix(arguments) {
            call = VisibleFailure.call(test: test, exercise: exercise, arguments: value, cut: cut)
        }
        self.expected = expected.map { PyRepr.of($0) }
        // A wrong answer's value, as the visible-only run returned it: decoded
        // no further than `shownValues` (Checker says why a bound), beyond
        // which it is not shown.
        guard status == .wrongAnswer, let again, again.kind == .value, let b = again.blob, b < blobs.count, let expected,
            let value = try? ValueCodec.decode(blobs[b], maxValues: Self.shownValues(expected))
        else { return }
        if !again.inputMutated, Checker.check(test.checker ?? exercise.checker, got: value, expected: expected) == .pass {
            passedAlone = true
            return
        }
        got = PyRepr.of(value)
    }

    /// The most values of a visible wrong answer decoded to be shown: twice
    /// the expected value's, so that a result with a few too many is still
    /// shown, and at least 100,000 (a few MiB).
    static func shownValues(_ expected: PyValue) -> Int { max(2 * ValueCodec.valueCount(expected), 100_000) }

    /// `entry(1, [2], k=3)`, or for a probe `probe(entry, 1)`. The stream
    /// is the tuple `(args, kwargs or None)`, maybe only its start.
    static func call(test: TestCase, exercise: Exercise, arguments value: PyValue, cut: Bool) -> String? {
        guard case .tuple(let both) = value, case .tuple(let args)? = both.first else { return nil }
        var keywords: [PyPair] = []
        // By name: exercise.yaml's order does not survive the way to the
        // worker (a Swift dictionary), and a report must read the same twice.
        if both.count > 1, case .dict(let pairs) = both[1] {
            keywords = pairs.sorted { ($0.key.stringValue ?? "") < ($1.key.stringValue ?? "") }
        }
        if case .probe(let name, _) = test.input {
            return PyRepr.call(name, arguments: args, keywords: keywords, first: exercise.entry, cut: cut)
        }
        return PyRepr.call(exercise.entry, arguments: args, keywords: keywords, cut: cut)
    }
}
