import Foundation
import Testing

@testable import PygradeKit

/// What a verdict says of each test, fed with hand-made worker responses:
/// exception text, the visible-only run's output and values, the names a
/// file defines; never the candidate's own words where a hidden input lives.
@Suite("Verdicts: the text they show")
struct VerdictTextTests: VerdictFixture {
    let exercise: Exercise
    let expected: ExpectedResults

    init() throws { (exercise, expected) = try Self.demo() }

    @Test func hiddenTestsNeverShowExceptionText() {
        let (r, b) = response([value(0, blob: 0), error(1, .runtimeError, "raised KeyError: 'secret-input'")])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .runtimeError)
        #expect(report.message == "hidden test 'hidden-two' [large input]: raised an exception")
        #expect(!report.message.contains("secret"))
    }

    /// A name or a number the candidate picks per hidden test is a few bits
    /// of its input (`os._exit(ord(s[0]))`, `raise [ValueError, KeyError,
    /// ...][ord(s[0]) % 69]`): the normal run says the kind of ending only,
    /// but the interpreter's own RecursionError and MemoryError, and a
    /// generator returned by mistake.
    @Test func hiddenTestsSayTheKindOfEndingNotTheNumberOrTheName() {
        func hidden(_ o: TestOutcome) -> String? {
            let (r, b) = response([value(0, blob: 0), o])
            return ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected).tests[1].message
        }
        func ended(_ ending: Ending) -> TestOutcome {
            var o = error(1, .runtimeError, "")
            o.detail = nil
            o.ending = ending
            return o
        }
        #expect(hidden(ended(.exit(83))) == "the process exited during the test")
        #expect(hidden(ended(.signal(42))) == "killed by a signal")
        #expect(hidden(ended(.crash(signal: SIGBUS))) == "crashed")
        #expect(hidden(error(1, .runtimeError, "raised ZeroDivisionError: x")) == "raised an exception")
        #expect(hidden(error(1, .runtimeError, "raised RecursionError: maximum recursion depth exceeded")) == "raised RecursionError")
        var generator = TestOutcome(index: 1, kind: .notPlain)
        generator.detail = "generator"
        #expect(hidden(generator) == "returned an object of type generator, which is not plain data")
        var other = TestOutcome(index: 1, kind: .notPlain)
        other.detail = "dict_keys"
        #expect(hidden(other) == "returned an object that is not plain data")
    }

    /// The normal run's child held the hidden inputs: even a visible test's
    /// exception text from it is cut to the kind of ending (the visible-only
    /// run then says more).
    @Test func visibleTestsShowOnlyTheTypeFromTheNormalRun() {
        let (r, b) = response([error(0, .runtimeError, "raised ValueError: secret-input"), value(1, blob: 1)])
        #expect(
            ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected).message
                == "test 'visible-one': raised an exception")
        #expect(VisibleText.needsRun(exercise: exercise, response: r))
    }

    /// A missing entry point names what the file defines (the compile
    /// child's list), at most eight names, each cut to a readable length.
    @Test func aMissingEntryPointNamesWhatTheFileDefines() {
        var (r, b) = response([], load: .missing)
        r.definedNames = ["find_dupes", "helper"]
        #expect(
            ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, filename: "hw1.py").message
                == "`f` is not defined; hw1.py defines find_dupes, helper")
        r.loadMessage = "is not callable"
        r.definedNames = [String(repeating: "x", count: 50)] + (1...10).map { "g\($0)" }
        #expect(
            ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, filename: "hw1.py").message
                == "`f` is not callable; hw1.py defines \(String(repeating: "x", count: 40))…, g1, g2, g3, g4, g5, g6, g7 and 3 more")
    }

    /// Class names and whole frames are the candidate's to choose: only
    /// builtin names and the worker's own phrases pass.
    @Test func candidateChosenNamesAndForgedTextNeverPass() {
        let (r, b) = response([
            error(0, .runtimeError, "raised zq-secret-input: x"), error(1, .timeLimitExceeded, "secret-input"),
        ])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.tests[0].message == "raised an exception")
        #expect(report.tests[1].message == "time limit exceeded")
        var foreign = TestOutcome(index: 1, kind: .notPlain)
        foreign.detail = "secret-input"
        let (r2, b2) = response([value(0, blob: 0), foreign])
        #expect(
            ExerciseReportBuilder.build(exercise: exercise, response: r2, blobs: b2, expected: expected).tests[1].message?.contains(
                "secret") == false)
        var (r3, b3) = response([], load: .missing)
        r3.loadMessage = "secret-input"
        #expect(
            ExerciseReportBuilder.build(exercise: exercise, response: r3, blobs: b3, expected: expected).message
                == "`f` is not defined; the submission defines no function or class")
        // How a child ended is the worker's code, never a child's text: the
        // worker's words in a child's text are not shown, and a number out
        // of a signal's or an exit code's range is not said.
        #expect(CandidateText.safeDetail("printed more than 65536 bytes") == nil)
        #expect(FailureWords.words(.outputLimit(bytes: 65536), loading: false) == "printed more than 65536 bytes")
        #expect(FailureWords.words(.crashAtMemoryLimit(signal: SIGSEGV), loading: false) == "crashed (SIGSEGV) at the memory limit")
        #expect(FailureWords.words(.signal(7731), loading: false) == nil)
    }

    /// The visible-only run gives a visible test its output and its full
    /// message; the hidden test keeps its type-only words and no output.
    @Test func visibleTestsShowTheVisibleRunsTextAndOutput() {
        var e0 = error(0, .runtimeError, "raised ValueError: secret-input")
        e0.output = "from the normal run"
        var e1 = error(1, .runtimeError, "raised KeyError: secret-input")
        e1.output = "hidden output"
        let (r, b) = response([e0, e1])
        var again = JobResponse()
        again.compile = .ok
        again.load = .ok
        var a0 = error(0, .runtimeError, "raised ValueError: bad")
        a0.output = String(repeating: "x", count: TestOutcome.keptOutputBytes)
        a0.outputBytes = TestOutcome.keptOutputBytes + 1  // printed more than was kept
        again.tests = [a0]
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again)
        #expect(report.message == "test 'visible-one': raised ValueError: bad")
        #expect(report.tests[0].output == a0.output && report.tests[0].outputTruncated == true)
        #expect(report.tests[1].output == nil && report.tests[1].message == "raised an exception")
    }

    /// Code that is not deterministic may end otherwise the second time: the
    /// status stays the normal run's, the second run's text is still shown.
    @Test func aVisibleRunThatEndsOtherwiseChangesNoStatus() {
        let (r, b) = response([error(0, .runtimeError, "raised ValueError: secret-input"), value(1, blob: 1)])
        var again = JobResponse()
        again.compile = .ok
        again.load = .ok
        var a0 = error(0, .timeLimitExceeded, "used all its CPU time")
        a0.output = "short"
        again.tests = [a0]
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again)
        #expect(report.status == .runtimeError && report.tests[0].status == .runtimeError)
        #expect(
            report.tests[0].message
                == "raised an exception (run again with the visible tests alone: time_limit_exceeded, time limit exceeded (used all its CPU time))"
        )
        #expect(report.tests[0].output == "short" && report.tests[0].outputTruncated == nil)
        var passed = value(0, blob: 0)
        passed.output = "printed"
        again.tests = [passed]
        let quiet = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again)
        #expect(quiet.tests[0].message == "raised an exception" && quiet.tests[0].output == "printed")
    }

    @Test func nothingToAddMeansNoVisibleRun() {
        var quiet = value(0, blob: 0)
        quiet.output = ""
        let (r, _) = response([quiet, error(1, .runtimeError, "raised KeyError: secret-input")])
        #expect(!VisibleText.needsRun(exercise: exercise, response: r))
        var cpu = TestOutcome(index: 0, kind: .error)
        cpu.status = .timeLimitExceeded
        cpu.ending = .cpuLimit
        let (r2, _) = response([cpu, value(1, blob: 1)])
        #expect(!VisibleText.needsRun(exercise: exercise, response: r2))
    }

    @Test func aFailedLoadTakesItsMessageFromTheVisibleRun() {
        var (r, b) = response([], load: .failed)
        r.loadStatus = .runtimeError
        r.loadMessage = "raised ValueError: secret-input"
        #expect(VisibleText.needsRun(exercise: exercise, response: r))
        let alone = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(alone.message == "test 'visible-one': while loading the submission: raised an exception")
        var again = JobResponse()
        again.compile = .ok
        again.load = .failed
        again.loadStatus = .runtimeError
        again.loadMessage = "raised ValueError: bad config"
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again)
        #expect(report.message == "test 'visible-one': while loading the submission: raised ValueError: bad config")
        #expect(report.tests[1].message == "while loading the submission: raised an exception")
    }

    @Test func theVisibleOnlyExerciseHasNoHiddenTestAndAKeyOfItsOwn() {
        let v = VisibleText.visibleOnly(exercise)
        #expect(v.tests.map(\.name) == ["visible-one"])
        #expect(v.hash != exercise.hash)
        #expect(HarnessSpec(v).tests.count == 1)
    }

    /// A failing visible test shows its call (from the visible-only
    /// worker's zygote), the expected value and what the visible-only run
    /// returned, as Python writes them; the hidden one shows none of them.
    @Test func aFailingVisibleTestShowsItsCallTheExpectedValueAndWhatItReturned() {
        // The normal run: both wrong, the visible one returning a "secret".
        let (r, _) = response([value(0, blob: 1), value(1, blob: 2)])
        let blobs = [ValueCodec.encode(.int(1)), ValueCodec.encode(.string("secret-input")), ValueCodec.encode(.list([.int(3)]))]
        var again = JobResponse()
        again.compile = .ok
        again.load = .ok
        again.tests = [value(0, blob: 0)]
        let visibleBlobs = [ValueCodec.encode(.string("a\u{1B}[2J"))]
        // Keywords by name, whatever order the worker built them in.
        let keywords = PyValue.dict([PyPair(.string("k"), .list([])), PyPair(.string("a"), .none)])
        let arguments = [ValueCodec.encode(.tuple([.tuple([.int(1)]), keywords]))]
        let report = ExerciseReportBuilder.build(
            exercise: exercise, response: r, blobs: blobs, expected: expected, visibleRun: again, visibleBlobs: visibleBlobs,
            arguments: arguments)
        #expect(report.tests[0].call == "f(1, a=None, k=[])")
        #expect(report.tests[0].expected == "1")
        #expect(report.tests[0].got == #"'a\x1b[2J'"#)
        #expect(report.tests[1].call == nil && report.tests[1].expected == nil && report.tests[1].got == nil)
        // Without the visible-only run, the normal run's value is never shown.
        let alone = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: blobs, expected: expected, arguments: arguments)
        #expect(alone.tests[0].got == nil && alone.tests[0].call == "f(1, a=None, k=[])" && alone.tests[0].expected == "1")
        #expect(!(alone.tests.compactMap(\.got) + report.tests.compactMap(\.got)).contains { $0.contains("secret") })
        // A wrong result has something to show: the visible-only run is asked for.
        let verdicts = Verdict.verdicts(exercise: exercise, response: r, blobs: blobs, expected: expected)
        #expect(VisibleText.needsRun(exercise: exercise, response: r, verdicts: verdicts))
        #expect(VisibleText.testFailed(exercise: exercise, response: r, verdicts: verdicts))
        let (passing, _) = response([value(0, blob: 0), value(1, blob: 2)])
        let fine = Verdict.verdicts(exercise: exercise, response: passing, blobs: blobs, expected: expected)
        #expect(!VisibleText.needsRun(exercise: exercise, response: passing, verdicts: fine))
        #expect(!VisibleText.testFailed(exercise: exercise, response: passing, verdicts: fine))
    }

    /// Code that is not deterministic: wrong in the normal run, right when
    /// run again alone. No value is shown (it would equal the expected one),
    /// the words say so, the status stays.
    @Test func aResultRightWhenRunAgainAloneShowsNoValue() {
        let (r, b) = response([value(0, blob: 2), value(1, blob: 1)])
        var again = JobResponse()
        again.compile = .ok
        again.load = .ok
        again.tests = [value(0, blob: 0)]
        let report = ExerciseReportBuilder.build(
            exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again, visibleBlobs: [ValueCodec.encode(.int(1))])
        #expect(report.tests[0].status == .wrongAnswer && report.tests[0].got == nil && report.tests[0].expected == "1")
        #expect(report.tests[0].message == "returned a list, expected a int (run again with the visible tests alone: passed)")
    }
}
