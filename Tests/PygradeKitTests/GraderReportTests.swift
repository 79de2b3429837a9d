import Foundation
import Testing

@testable import PygradeKit

/// The verdict logic, fed with hand-made worker responses: no process runs.
@Suite("Verdicts and status precedence")
struct GraderReportTests: VerdictFixture {
    let exercise: Exercise
    let expected: ExpectedResults

    init() throws { (exercise, expected) = try Self.demo() }

    @Test func allPassingEarnsAllPoints() {
        let (r, b) = response([value(0, blob: 0), value(1, blob: 1)])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .passed && report.score == 20 && report.maxScore == 20)
        #expect(report.tests.map(\.score) == [5, 15])
    }

    /// A forged frame ends the exercise: nothing the child claimed before it
    /// counts, however right it looked.
    @Test func aForgedFrameIsASandboxViolationWithNoScore() {
        var (r, b) = response([value(0, blob: 0), value(1, blob: 1)])
        r.forged = true
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .sandboxViolation && report.score == 0, "\(report.status) \(report.score)")
    }

    @Test func syntaxErrorComesFirst() {
        var (r, b) = response([], compile: .syntaxError, load: .missing, rules: [RuleHit(id: "no-sorted", line: 1)])
        r.syntaxLine = 3
        r.syntaxMessage = "SyntaxError: invalid syntax"
        var again = JobResponse()
        again.compile = .syntaxError
        again.syntaxLine = 3
        again.syntaxMessage = "SyntaxError: invalid syntax"
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected, visibleRun: again)
        #expect(report.status == .syntaxError && report.score == 0 && report.message.contains("line 3"))
        // The compiler's words are about the source alone (the worker takes a
        // syntax-error frame only before any candidate code runs): no re-run.
        #expect(!VisibleText.needsRun(exercise: exercise, response: r))
    }

    @Test func aSyntaxErrorShowsTheCompilersWordsWithoutAVisibleRun() {
        var (r, b) = response([], compile: .syntaxError)
        r.syntaxLine = 12
        r.syntaxMessage = "SyntaxError: expected ':'"
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .syntaxError)
        #expect(report.message == "the submission does not compile: line 12: SyntaxError: expected ':'")
    }

    /// Rule hits with an id the exercise does not define came from a forged
    /// frame: dropped, text and all.
    @Test func unknownRuleIdsAreDropped() {
        let (r, b) = response([value(0, blob: 0), value(1, blob: 1)], rules: [RuleHit(id: "secret-input", line: 1)])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .passed && report.rules.isEmpty)
    }

    @Test func missingBeatsRuleViolation() {
        let (r, b) = response([], load: .missing, rules: [RuleHit(id: "no-sorted", line: 1)])
        #expect(ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected).status == .missing)
    }

    @Test func ruleViolationBeatsTestsAndTakesItsPenalty() {
        let (r, b) = response([value(0, blob: 0), value(1, blob: 1)], rules: [RuleHit(id: "no-sorted", line: 4)])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .ruleViolation)
        #expect(report.score == 10)
        #expect(report.rules.first?.line == 4 && report.message == "line 4: sorted() is not allowed")
    }

    @Test func firstFailingTestInDeclaredOrderDecides() {
        let (r, b) = response([error(0, .timeLimitExceeded, "used all its CPU time"), value(1, blob: 2)])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .timeLimitExceeded)
        #expect(report.tests.map(\.status) == [.timeLimitExceeded, .wrongAnswer])
        #expect(report.score == 0)
    }

    @Test func mutationNotPlainAndAliasingAreWrongAnswers() {
        var mutated = value(0, blob: 0)
        mutated.inputMutated = true
        var foreign = TestOutcome(index: 1, kind: .notPlain)
        foreign.detail = "Anything"
        let (r, b) = response([mutated, foreign])
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.tests.map(\.status) == [.wrongAnswer, .wrongAnswer])
        #expect(report.message.contains("modified its input"))
    }

    @Test func failedLoadFailsEveryTestWithItsStatus() {
        var (r, b) = response([], load: .failed)
        r.loadStatus = .memoryLimitExceeded
        r.loadMessage = "raised MemoryError"
        let report = ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: b, expected: expected)
        #expect(report.status == .memoryLimitExceeded)
        #expect(report.tests.allSatisfy { $0.status == .memoryLimitExceeded })
    }

    @Test func digestsCompareWithTheExpectedDigest() {
        var good = TestOutcome(index: 1, kind: .digest)
        good.digest = expected.digests[1].map(Digest.hex)
        var bad = TestOutcome(index: 1, kind: .digest)
        bad.digest = String(repeating: "0", count: 32)
        #expect(
            Verdict.verdict(
                test: exercise.tests[1], index: 1, exercise: exercise, response: JobResponse(), outcome: good, blobs: [], expected: expected
            ).0 == .passed)
        #expect(
            Verdict.verdict(
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
