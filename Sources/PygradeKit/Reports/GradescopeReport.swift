import Foundation

/// `results.json` as the Gradescope autograder specification defines it:
/// a top-level `score` (which Gradescope takes over the sum of the tests,
/// so rule penalties count) and one entry in `tests` per test.
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

    enum CodingKeys: String, CodingKey {
        case score, output, tests
        case maxScore = "max_score"
        case stdoutVisibility = "stdout_visibility"
        case extraData = "extra_data"
    }

    /// `hidden` is the Gradescope visibility given to pygrade's hidden tests:
    /// `hidden` (never shown), or `after_due_date` / `after_published`.
    public init(_ report: Report, hidden: Visibility = .hidden) {
        score = report.score
        maxScore = report.maxScore
        output = TextReport(colour: false).render(report)
        extraData = [
            "schema": report.schema, "verdict": report.verdict.rawValue, "sha256": report.sha256,
            "grader_version": report.grader.version, "exercises_sha256": report.grader.exercisesSHA256,
        ]
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
                        name: "\(exercise.id): \(t.name)", number: "\(i + 1).\(j + 1)", score: t.score, maxScore: t.maxScore,
                        status: t.status == .passed ? "passed" : "failed", output: words,
                        visibility: t.visibility == .visible ? .visible : hidden,
                        tags: base + [t.hint, t.status.rawValue], extraData: ["pygrade_status": t.status.rawValue, "hint": t.hint]))
            }
            for (k, rule) in exercise.rules.enumerated() {
                // Informational: the penalty is already in the top-level score.
                tests.append(
                    Test(
                        name: "\(exercise.id): rule \(rule.id)", number: "\(i + 1).\(exercise.tests.count + k + 1)", score: 0, maxScore: 0,
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
