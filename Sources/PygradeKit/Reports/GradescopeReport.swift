import Foundation

/// `results.json` as the Gradescope autograder specification defines it:
/// a top-level `score` and one entry in `tests` per test. Each exercise's
/// entries add up exactly to its score and its points (in cents, see
/// `Cents`), so the tests a student sees sum to the total shown; a rule
/// penalty is an entry of its own, with a negative score.
public struct GradescopeReport: Encodable, Sendable {
    /// What Gradescope shows a student of a test, and when.
    public enum Visibility: String, Encodable, Sendable, CaseIterable {
        case hidden, visible
        case afterDueDate = "after_due_date"
        case afterPublished = "after_published"
    }

    public struct Test: Encodable, Sendable {
        public var name: String
        public var number: String
        public var score: Double
        public var maxScore: Double
        /// Gradescope's own two values; pygrade's status is in `tags` and `extra_data`.
        public var status: String
        public var output: String
        public var visibility: Visibility
        public var tags: [String]
        public var extraData: [String: String]

        enum CodingKeys: String, CodingKey {
            case name, number, score, status, output, visibility, tags
            case maxScore = "max_score"
            case extraData = "extra_data"
        }
    }

    public var score: Double
    public var maxScore: Double
    public var output: String
    public var stdoutVisibility: Visibility = .hidden
    public var tests: [Test]
    public var extraData: [String: String]
    /// Wall-clock seconds the grading took (Gradescope's `execution_time`).
    public var executionTime: Double?

    enum CodingKeys: String, CodingKey {
        case score, output, tests
        case maxScore = "max_score"
        case stdoutVisibility = "stdout_visibility"
        case extraData = "extra_data"
        case executionTime = "execution_time"
    }

    /// `hidden` is the Gradescope visibility given to pygrade's hidden tests:
    /// `hidden` (never shown), or `after_due_date` / `after_published`.
    public init(_ report: Report, hidden: Visibility = .hidden, executionSeconds: Double? = nil) {
        score = report.score
        maxScore = report.maxScore
        executionTime = executionSeconds.map(Report.round)
        output = TextReport(colour: false, sandboxLine: false).render(report)
        extraData = [
            "schema": report.schema, "verdict": report.verdict.rawValue, "sha256": report.sha256,
            "grader_version": report.grader.version, "exercises_sha256": report.grader.exercisesSHA256,
        ]
        if let a = report.assignment {
            extraData["assignment"] = a.name
            extraData["assignment_sha256"] = a.sha256
        }
        var tests: [Test] = []
        for (i, exercise) in report.exercises.enumerated() {
            let base = ["exercise:\(exercise.id)"]
            if exercise.tests.isEmpty || exercise.status == .syntaxError || exercise.status == .missing {
                // Nothing ran: one entry carries the exercise's points and why.
                tests.append(
                    Test(
                        name: "\(exercise.id)", number: "\(i + 1)", score: exercise.score, maxScore: exercise.maxScore,
                        status: exercise.status == .passed ? "passed" : "failed",
                        output: "\(exercise.status.rawValue): \(exercise.message)",
                        visibility: .visible, tags: base + [exercise.status.rawValue],
                        extraData: ["pygrade_status": exercise.status.rawValue]))
                continue
            }
            let split = Cents.split(exercise)
            for (j, t) in exercise.tests.enumerated() {
                var words: String
                if t.status == .passed {
                    words = "passed"
                } else {
                    let why = t.message ?? t.status.rawValue
                    words = "\(t.status.rawValue): " + (t.visibility == .visible ? why : "[\(t.hint)] \(why)")
                    if !t.failureLines.isEmpty { words += "\n\n" + t.failureLines.joined(separator: "\n") }
                }
                if t.visibility == .visible, let out = t.output, !out.isEmpty {
                    words += "\n\n--- output ---\n\(out)" + JUnitReport.truncationNote(t)
                }
                tests.append(
                    Test(
                        name: "\(exercise.id): \(t.name)", number: "\(i + 1).\(j + 1)", score: Cents.value(split.scores[j]),
                        maxScore: Cents.value(split.maxScores[j]),
                        status: t.status == .passed ? "passed" : "failed", output: words,
                        visibility: t.visibility == .visible ? .visible : hidden,
                        tags: base + [t.hint, t.status.rawValue], extraData: ["pygrade_status": t.status.rawValue, "hint": t.hint]))
            }
            for (k, rule) in exercise.rules.enumerated() {
                // The first rule carries the penalty (the largest of the
                // broken rules' penalties, as the exercise's score took it).
                tests.append(
                    Test(
                        name: "\(exercise.id): rule \(rule.id)", number: "\(i + 1).\(exercise.tests.count + k + 1)",
                        score: k == 0 ? Cents.value(split.penalty) : 0, maxScore: 0,
                        status: "failed",
                        output: "rule_violation: \(rule.place): \(rule.message)", visibility: .visible,
                        tags: base + ["rule_violation"], extraData: ["pygrade_status": "rule_violation"]))
            }
        }
        self.tests = tests
    }

    public func encoded() throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(self), as: UTF8.self)
    }
}

/// Scores in whole cents, split so that parts add up exactly to a total:
/// 20 points over 14 tests is twelve tests of 1.43 and two of 1.42, never
/// fourteen of 1.43 (20.02).
enum Cents {
    static func of(_ x: Double) -> Int { Int((x * 100).rounded()) }
    static func value(_ cents: Int) -> Double { Double(cents) / 100 }

    /// `total` split in proportion to `weights` by largest remainder (ties
    /// to the earlier part); equally when every weight is 0.
    static func split(_ total: Int, weights: [Int]) -> [Int] {
        guard !weights.isEmpty, total > 0 else { return weights.map { _ in 0 } }
        let w = weights.allSatisfy { $0 <= 0 } ? weights.map { _ in 1 } : weights.map { max(0, $0) }
        let sum = w.reduce(0, +)
        var parts = w.map { total * $0 / sum }
        let byRemainder = w.indices.sorted { a, b in
            let (ra, rb) = (total * w[a] % sum, total * w[b] % sum)
            return ra != rb ? ra > rb : a < b
        }
        for i in byRemainder.prefix(total - parts.reduce(0, +)) { parts[i] += 1 }
        return parts
    }

    /// An exercise's tests' scores and maxima in cents, and the penalty its
    /// rules took: `scores` plus `penalty` is the exercise's score and
    /// `maxScores` its points, exactly. The points the passed tests earn are
    /// split among them (each gets its maximum), the rest among the others.
    static func split(_ e: ExerciseReport) -> (scores: [Int], maxScores: [Int], penalty: Int) {
        let weights = e.tests.map { of($0.maxScore) }
        let passed = e.tests.indices.filter { e.tests[$0].status == .passed }
        let failed = e.tests.indices.filter { e.tests[$0].status != .passed }
        let total = of(e.maxScore)
        let weightSum = weights.reduce(0, +)
        let passedWeight = passed.reduce(0) { $0 + weights[$1] }
        // What the passed tests earn before any penalty: the exercise's own
        // score, unless a rule took some off or a forged frame voided every
        // claim (then their share of the points, from the weights).
        let unpenalised = weightSum > 0 ? Int((Double(total) * Double(passedWeight) / Double(weightSum)).rounded()) : 0
        let score = of(e.score)
        let voided = e.rules.isEmpty && score + passed.count < unpenalised
        let earned = passed.isEmpty ? 0 : e.rules.isEmpty && !voided ? score : unpenalised
        var maxScores = [Int](repeating: 0, count: e.tests.count)
        for (i, c) in zip(passed, split(earned, weights: passed.map { weights[$0] })) { maxScores[i] = c }
        for (i, c) in zip(failed, split(max(0, total - earned), weights: failed.map { weights[$0] })) { maxScores[i] = c }
        // A passed test earns its maximum, unless its claims were voided.
        var scores = [Int](repeating: 0, count: e.tests.count)
        for (i, c) in zip(passed, voided ? split(score, weights: passed.map { maxScores[$0] }) : passed.map { maxScores[$0] }) {
            scores[i] = c
        }
        let penalty = e.rules.isEmpty ? 0 : score - scores.reduce(0, +)
        return (scores, maxScores, penalty)
    }
}
