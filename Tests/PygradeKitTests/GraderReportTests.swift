import Foundation
import Testing

@testable import PygradeKit

/// The verdict logic, fed with hand-made worker responses: no process runs.
@Suite("Verdicts and status precedence")
struct GraderReportTests {
    let exercise: Exercise
    let expected: ExpectedResults

    init() throws {
        let tmp = TemporaryFolder()
        let folder = tmp.exercise(
            "demo",
            definition: """
                id: demo
                title: Demo
                entry: f
                points: 20
                rules:
                  - {id: no-sorted, message: sorted() is not allowed, penalty: 0.5, forbid_names: [sorted]}
                tests:
                  - {name: visible-one, visibility: visible, hint: basic, args: ["1"]}
                  - {name: hidden-two, hint: large input, weight: 3, args: ["2"]}
                """)
        exercise = try ExerciseLoader.load(folder: folder)
        expected = try ExpectedResults(encoded: [ValueCodec.encode(.int(1)), ValueCodec.encode(.list([.int(2)]))], referenceCPUms: [0, 0])
    }

    func response(_ outcomes: [TestOutcome], compile: JobResponse.Compile = .ok, load: JobResponse.Load = .ok, rules: [RuleHit] = []) -> (
        JobResponse, [[UInt8]]
    ) {
        var r = JobResponse()
        r.compile = compile
        r.load = load
        r.ruleHits = rules
        r.tests = outcomes
        return (r, [ValueCodec.encode(.int(1)), ValueCodec.encode(.list([.int(2)])), ValueCodec.encode(.list([.int(3)]))])
    }

    func value(_ i: Int, blob: Int) -> TestOutcome {
        var o = TestOutcome(index: i, kind: .value)
        o.blob = blob
        return o
    }

    func error(_ i: Int, _ status: TestStatus, _ detail: String) -> TestOutcome {
        var o = TestOutcome(index: i, kind: .error)
        o.status = status
        o.detail = detail
        return o
    }

    @Test func allPassingEarnsAllPoints() {
        let (r, b) = response([value(0, blob: 0), value(1, blob: 1)])
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .passed && report.score == 20 && report.maxScore == 20)
        #expect(report.tests.map(\.score) == [5, 15])
    }

    @Test func syntaxErrorComesFirst() {
        var (r, b) = response([], compile: .syntaxError, load: .missing, rules: [RuleHit(id: "no-sorted", line: 1)])
        r.syntaxLine = 3
        r.syntaxMessage = "SyntaxError: invalid syntax"
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .syntaxError && report.score == 0 && report.message.contains("line 3"))
    }

    @Test func missingBeatsRuleViolation() {
        let (r, b) = response([], load: .missing, rules: [RuleHit(id: "no-sorted", line: 1)])
        #expect(Grader.report(exercise: exercise, response: r, blobs: b, expected: expected).status == .missing)
    }

    @Test func ruleViolationBeatsTestsAndTakesItsPenalty() {
        let (r, b) = response([value(0, blob: 0), value(1, blob: 1)], rules: [RuleHit(id: "no-sorted", line: 4)])
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .ruleViolation)
        #expect(report.score == 10)
        #expect(report.rules.first?.line == 4 && report.message == "line 4: sorted() is not allowed")
    }

    @Test func firstFailingTestInDeclaredOrderDecides() {
        let (r, b) = response([error(0, .timeLimitExceeded, "used all its CPU time"), value(1, blob: 2)])
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .timeLimitExceeded)
        #expect(report.tests.map(\.status) == [.timeLimitExceeded, .wrongAnswer])
        #expect(report.score == 0)
    }

    @Test func hiddenTestsNeverShowExceptionText() {
        let (r, b) = response([value(0, blob: 0), error(1, .runtimeError, "raised KeyError: 'secret-input'")])
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .runtimeError)
        #expect(report.message == "hidden test 'hidden-two' [large input]: raised KeyError")
        #expect(!report.message.contains("secret"))
    }

    @Test func visibleTestsShowIt() {
        let (r, b) = response([error(0, .runtimeError, "raised ValueError: bad"), value(1, blob: 1)])
        #expect(
            Grader.report(exercise: exercise, response: r, blobs: b, expected: expected).message
                == "test 'visible-one': raised ValueError: bad")
    }

    @Test func mutationNotPlainAndAliasingAreWrongAnswers() {
        var mutated = value(0, blob: 0)
        mutated.inputMutated = true
        var foreign = TestOutcome(index: 1, kind: .notPlain)
        foreign.detail = "Anything"
        let (r, b) = response([mutated, foreign])
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.tests.map(\.status) == [.wrongAnswer, .wrongAnswer])
        #expect(report.message.contains("modified its input"))
    }

    @Test func failedLoadFailsEveryTestWithItsStatus() {
        var (r, b) = response([], load: .failed)
        r.loadStatus = .memoryLimitExceeded
        r.loadMessage = "raised MemoryError"
        let report = Grader.report(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .memoryLimitExceeded)
        #expect(report.tests.allSatisfy { $0.status == .memoryLimitExceeded })
    }

    @Test func digestsCompareWithTheExpectedDigest() {
        var good = TestOutcome(index: 1, kind: .digest)
        good.digest = expected.digests[1].map(Digest.hex)
        var bad = TestOutcome(index: 1, kind: .digest)
        bad.digest = String(repeating: "0", count: 32)
        #expect(
            Grader.verdict(
                test: exercise.tests[1], index: 1, exercise: exercise, response: JobResponse(), outcome: good, blobs: [], expected: expected
            ).0 == .passed)
        #expect(
            Grader.verdict(
                test: exercise.tests[1], index: 1, exercise: exercise, response: JobResponse(), outcome: bad, blobs: [], expected: expected
            ).0 == .wrongAnswer)
    }

    @Test func verdictIsPassedOnlyWhenEveryExercisePassed() {
        let passed = ExerciseReport(id: "a", status: .passed, score: 20, maxScore: 20, message: "", tests: [], rules: [])
        var failed = passed
        failed.status = .wrongAnswer
        failed.score = 5
        let info = GraderInfo(version: "t", exercisesSHA256: "x", sandbox: [])
        #expect(Report(submission: "s", sha256: "h", exercises: [passed, passed], grader: info).verdict == .passed)
        let mixed = Report(submission: "s", sha256: "h", exercises: [passed, failed], grader: info)
        #expect(mixed.verdict == .failed && mixed.score == 25 && mixed.maxScore == 40)
    }
}
