import Foundation
import Testing

@testable import PygradeKit

/// Status precedence and scoring (Verdict), on their own: no worker, no
/// report, only the rule.
@Suite("Status precedence and scores")
struct VerdictTests {
    /// The conditions that settle an exercise's status, in the order that
    /// settles it (docs/statuses.md; a forged frame, before the rules).
    enum Condition: CaseIterable {
        case syntaxError, missing, forged, ruleBroken, failedTest
    }

    static func decide(_ holding: Set<Condition>) -> Verdict.Cause {
        Verdict.decide(
            syntaxError: holding.contains(.syntaxError), missing: holding.contains(.missing), forged: holding.contains(.forged),
            ruleBroken: holding.contains(.ruleBroken),
            tests: holding.contains(.failedTest) ? [.passed, .timeLimitExceeded] : [.passed, .passed])
    }

    static func cause(_ c: Condition) -> Verdict.Cause {
        switch c {
        case .syntaxError: .syntaxError
        case .missing: .missing
        case .forged: .forged
        case .ruleBroken: .ruleViolation
        case .failedTest: .failedTest(index: 1, .timeLimitExceeded)
        }
    }

    /// Every pair of conditions: when both hold, the earlier one wins,
    /// whichever else holds too (all 32 combinations).
    @Test func theEarlierConditionWinsInEveryPair() {
        let order = Condition.allCases
        for (i, earlier) in order.enumerated() {
            for later in order[(i + 1)...] {
                #expect(Self.decide([earlier, later]) == Self.cause(earlier), "\(earlier) before \(later)")
            }
        }
        for mask in 0..<(1 << order.count) {
            let holding = Set(order.indices.filter { mask & (1 << $0) != 0 }.map { order[$0] })
            let first = order.first { holding.contains($0) }
            #expect(Self.decide(holding) == first.map(Self.cause) ?? .passed, "\(holding)")
        }
    }

    /// The order as the exercise statuses name it.
    @Test func theOrderInStatuses() {
        var holding = Set(Condition.allCases)
        var statuses: [ExerciseStatus] = []
        for c in Condition.allCases {
            statuses.append(Self.decide(holding).status)
            holding.remove(c)
        }
        statuses.append(Self.decide(holding).status)
        #expect(statuses == [.syntaxError, .missing, .sandboxViolation, .ruleViolation, .timeLimitExceeded, .passed])
    }

    /// No test status outranks another: for every pair, the first test (in
    /// declared order) that did not pass decides.
    @Test func theFirstFailingTestDecidesWhateverItsStatus() {
        let failing = TestStatus.allCases.filter { $0 != .passed }
        for a in failing {
            for b in failing {
                let cause = Verdict.decide(syntaxError: false, missing: false, forged: false, ruleBroken: false, tests: [.passed, a, b])
                #expect(cause == .failedTest(index: 1, a))
                #expect(cause.status == ExerciseStatus(a))
            }
        }
        #expect(Verdict.decide(syntaxError: false, missing: false, forged: false, ruleBroken: false, tests: []) == .passed)
    }

    // MARK: Scores

    /// 20 points over 17 tests of equal weight, one of them heavier.
    static func exercise() throws -> Exercise {
        let tests =
            (1...16).map { "{name: t\($0), hint: basic, args: [\"\($0)\"]}" } + ["{name: heavy, hint: big, weight: 4, args: [\"0\"]}"]
        return try PureStepExercise.load("scored", points: 20, tests: tests)
    }

    @Test func pointsFollowTheWeightsAndAddUpWhole() throws {
        let e = try Self.exercise()
        let all = [TestStatus](repeating: .passed, count: 17)
        #expect(Report.round(Verdict.score(of: e, tests: all, cause: .passed, penalties: [])) == 20)
        var lastFails = all
        lastFails[16] = .wrongAnswer
        let cause = Verdict.decide(syntaxError: false, missing: false, forged: false, ruleBroken: false, tests: lastFails)
        #expect(abs(Verdict.score(of: e, tests: lastFails, cause: cause, penalties: []) - 20.0 * 16 / 20) < 1e-9)
        var firstFails = all
        firstFails[0] = .runtimeError
        #expect(abs(Verdict.score(of: e, tests: firstFails, cause: .failedTest(index: 0, .runtimeError), penalties: []) - 19) < 1e-9)
        // A test's own share: rounded, and nothing unless it passed.
        #expect(Verdict.score(of: e.tests[0], in: e, status: .passed) == 1)
        #expect(Verdict.score(of: e.tests[16], in: e, status: .passed) == 4)
        #expect(Verdict.score(of: e.tests[16], in: e, status: .memoryLimitExceeded) == 0)
    }

    @Test func aForgedFrameOrNothingRunScoresNothing() throws {
        let e = try Self.exercise()
        let all = [TestStatus](repeating: .passed, count: 17)
        for cause in [Verdict.Cause.forged, .syntaxError, .missing] {
            #expect(Verdict.score(of: e, tests: all, cause: cause, penalties: [0.1]) == 0, "\(cause)")
        }
    }

    @Test func aBrokenRuleTakesTheHeaviestPenaltyNeverBelowZero() throws {
        let e = try Self.exercise()
        let all = [TestStatus](repeating: .passed, count: 17)
        #expect(Verdict.score(of: e, tests: all, cause: .ruleViolation, penalties: [0.25, 0.5]) == 10)
        var half = all
        for i in 0..<12 { half[i] = .wrongAnswer }
        // 8 of 20 points earned, a penalty of 10: none left, not -2.
        #expect(Verdict.score(of: e, tests: half, cause: .ruleViolation, penalties: [0.5]) == 0)
        // With no penalty to go by (every rule has one), all the points.
        #expect(Verdict.score(of: e, tests: all, cause: .ruleViolation, penalties: []) == 0)
    }
}

/// ExerciseStatus repeats TestStatus's seven names (a raw-value enum cannot
/// take another's cases): every test status must be an exercise status of
/// the same name, and the three that come first are none of them.
@Suite struct StatusNameTests {
    @Test func everyTestStatusIsAnExerciseStatusOfTheSameName() {
        for t in TestStatus.allCases { #expect(ExerciseStatus(rawValue: t.rawValue)?.rawValue == t.rawValue) }
        let own = Set(ExerciseStatus.allCases.map(\.rawValue)).subtracting(TestStatus.allCases.map(\.rawValue))
        #expect(own == ["syntax_error", "missing", "rule_violation"])
    }
}
