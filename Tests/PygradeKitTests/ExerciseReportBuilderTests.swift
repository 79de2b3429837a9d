import Foundation
import Testing

@testable import PygradeKit

/// The exercise report built from hand-made worker responses: its status
/// always Verdict's precedence, its message and score the cause's, its rows
/// the verdicts'. No process runs.
@Suite("The exercise report builder")
struct ExerciseReportBuilderTests {
    let exercise: Exercise
    let expected: ExpectedResults

    init() throws {
        exercise = try PureStepExercise.load(
            "built", points: 10,
            rules: [
                "{id: no-sorted, message: sorted() is not allowed, penalty: 0.3, forbid_names: [sorted]}",
                "{id: no-eval, message: eval() is not allowed, penalty: 0.6, forbid_names: [eval]}",
            ],
            tests: [
                "{name: seen, visibility: visible, hint: basic, args: [\"1\"]}",
                "{name: unseen, hint: large input, weight: 2, args: [\"2\"]}",
                "{name: third, hint: edge, weight: 3, args: [\"3\"]}",
            ])
        expected = try ExpectedResults(
            encoded: [ValueCodec.encode(.int(1)), ValueCodec.encode(.int(2)), ValueCodec.encode(.int(3))], referenceCPUms: [0, 0, 0])
    }

    /// Blobs 0, 1, 2 are the right answers; 3 is wrong for every test.
    let blobs = [ValueCodec.encode(.int(1)), ValueCodec.encode(.int(2)), ValueCodec.encode(.int(3)), ValueCodec.encode(.int(9))]

    func response(
        _ answers: [Int?], compile: JobResponse.Compile = .ok, load: JobResponse.Load = .ok, rules: [RuleHit] = [], forged: Bool = false
    ) -> JobResponse {
        var r = JobResponse()
        r.compile = compile
        r.load = load
        r.ruleHits = rules
        r.forged = forged
        r.syntaxLine = 7
        r.syntaxMessage = "SyntaxError: invalid syntax"
        r.tests = answers.enumerated().compactMap { i, blob in
            guard let blob else { return nil }
            var o = TestOutcome(index: i, kind: .value)
            o.blob = blob
            o.cpuMs = 1.234
            o.peakKiB = 100 * (i + 1)
            return o
        }
        return r
    }

    func build(_ r: JobResponse) -> ExerciseReport {
        ExerciseReportBuilder.build(exercise: exercise, response: r, blobs: blobs, expected: expected)
    }

    /// Whatever holds at once, the report's status is the one `decide`
    /// gives, and only a cause that lets tests count leaves rows.
    @Test func theStatusIsAlwaysThePrecedences() {
        let sorted = RuleHit(id: "no-sorted", line: 2)
        let answerSets: [[Int?]] = [[0, 1, 2], [0, 3, 2], [3, 1, nil]]
        for compile in [JobResponse.Compile.ok, .syntaxError] {
            for load in [JobResponse.Load.ok, .missing] {
                for forged in [false, true] {
                    for rules in [[], [sorted]] {
                        for answers in answerSets {
                            let r = response(answers, compile: compile, load: load, rules: rules, forged: forged)
                            let verdicts = Verdict.verdicts(exercise: exercise, response: r, blobs: blobs, expected: expected)
                            let cause = Verdict.decide(
                                syntaxError: compile == .syntaxError, missing: load == .missing, forged: forged, ruleBroken: !rules.isEmpty,
                                tests: verdicts.map(\.0))
                            let report = build(r)
                            #expect(report.status == cause.status, "\(compile) \(load) \(forged) \(rules) \(answers)")
                            let ran = cause != .syntaxError && cause != .missing
                            #expect(report.tests.count == (ran ? 3 : 0))
                            #expect(report.rules.count == (ran ? rules.count : 0))
                        }
                    }
                }
            }
        }
    }

    @Test func eachCauseHasItsMessageAndScore() {
        let passed = build(response([0, 1, 2]))
        #expect(passed.status == .passed && passed.score == 10 && passed.message == "all 3 tests passed")

        let wrong = build(response([0, 3, 2]))
        #expect(wrong.status == .wrongAnswer && wrong.score == Report.round(10.0 * 4 / 6))
        #expect(wrong.message == "hidden test 'unseen' [large input]: wrong result")
        let visibleWrong = build(response([3, 1, 2]))
        #expect(visibleWrong.message == "test 'seen': wrong result" && visibleWrong.score == Report.round(10.0 * 5 / 6))

        let notRun = build(response([0, 1, nil]))
        #expect(notRun.status == .runtimeError && notRun.message == "hidden test 'third' [edge]: the test did not run")

        let forged = build(response([0, 1, 2], rules: [RuleHit(id: "no-sorted", line: 2)], forged: true))
        #expect(forged.status == .sandboxViolation && forged.score == 0)
        #expect(forged.message == "stopped for a forbidden action (wrote forged data into the result channel)")
        #expect(forged.tests.map(\.status) == [.passed, .passed, .passed])

        let syntax = build(response([0, 1, 2], compile: .syntaxError, forged: true))
        #expect(syntax.status == .syntaxError && syntax.score == 0)
        #expect(syntax.message == "the submission does not compile: line 7: SyntaxError: invalid syntax")
    }

    /// Each rule once, in the order of first hits, unknown ids dropped, the
    /// message the first rule's, the heaviest penalty taken.
    @Test func brokenRulesAreReportedOnceAndTheHeaviestPenaltyCounts() {
        let hits = [
            RuleHit(id: "no-sorted", line: 4), RuleHit(id: "made-up", line: 1), RuleHit(id: "no-eval", line: 0),
            RuleHit(id: "no-sorted", line: 9),
        ]
        let report = build(response([0, 1, 2], rules: hits))
        #expect(report.status == .ruleViolation)
        #expect(report.rules.map(\.id) == ["no-sorted", "no-eval"])
        #expect(report.rules.map(\.atRunTime) == [nil, true])
        #expect(report.message == "line 4: sorted() is not allowed")
        #expect(report.score == 4)
        let failing = build(response([0, 3, 3], rules: [RuleHit(id: "no-sorted", line: 4)]))
        // 10/6 earned, 3 taken: none left.
        #expect(failing.status == .ruleViolation && failing.score == 0)
    }

    /// The rows: statuses from the verdicts, scores from the weights.
    @Test func rowsCarryTheVerdictsAndTheWeights() {
        let report = build(response([0, 3, 2]))
        #expect(report.tests.map(\.status) == [.passed, .wrongAnswer, .passed])
        #expect(report.tests.map(\.maxScore) == [1.67, 3.33, 5])
        #expect(report.tests.map(\.score) == [1.67, 0, 5])
        #expect(report.tests.map(\.message) == [nil, "wrong result", nil])
        // A visible test's own figures; every hidden test the hidden tests'
        // mean CPU and highest peak (its input can shape its own); the
        // exercise has its totals, hidden tests in.
        #expect(report.tests.map(\.cpuMs) == [1.23, 1.23, 1.23])
        #expect(report.tests.map(\.peakKiB) == [100, 300, 300])
        #expect(report.cpuMs == 3.7 && report.peakKiB == 300)
        // Without a visible-only run, no text of the candidate's at all.
        #expect(report.tests.allSatisfy { $0.output == nil && $0.got == nil })
    }

    @Test func aCompilerThatGivesUpSaysSo() {
        #expect(
            ExerciseReportBuilder.compileFailure(line: nil, message: "RecursionError: maximum recursion depth exceeded")
                == "the submission does not compile: it is too deeply nested for the compiler (RecursionError)")
        #expect(ExerciseReportBuilder.compileFailure(line: nil, message: nil) == "the submission does not compile: line 0: syntax error")
    }
}
