import Foundation

/// JUnit XML as CI systems read it (Jenkins, GitLab, GitHub test reporters):
/// one `<testsuite>` per exercise, one `<testcase>` per test. A wrong answer
/// is a `<failure>`, any other failing status an `<error>`; both carry the
/// status as `type` and the failure in words as `message`, never a hidden
/// input or expected value.
public enum JUnitReport {
    public static func render(_ report: Report) -> String {
        var xml = XMLWriter()
        let suites = report.exercises.map(suite)
        xml.open(
            "testsuites",
            [
                ("name", report.submission), ("tests", "\(suites.reduce(0) { $0 + $1.cases.count })"),
                ("failures", "\(suites.reduce(0) { $0 + $1.failures })"), ("errors", "\(suites.reduce(0) { $0 + $1.errors })"),
                ("time", seconds(suites.reduce(0) { $0 + $1.seconds })),
            ])
        for (exercise, suite) in zip(report.exercises, suites) {
            xml.open(
                "testsuite",
                [
                    ("name", exercise.id), ("tests", "\(suite.cases.count)"), ("failures", "\(suite.failures)"),
                    ("errors", "\(suite.errors)"), ("skipped", "0"), ("time", seconds(suite.seconds)),
                ])
            xml.open("properties")
            for (name, value) in [
                ("status", exercise.status.rawValue), ("score", TextReport.number(exercise.score)),
                ("max_score", TextReport.number(exercise.maxScore)), ("message", exercise.message),
                ("submission", report.submission), ("sha256", report.sha256), ("schema", report.schema),
            ] {
                xml.open("property", [("name", name), ("value", value)], empty: true)
            }
            xml.close("properties")
            for c in suite.cases { write(c, classname: exercise.id, into: &xml) }
            xml.close("testsuite")
        }
        xml.close("testsuites")
        return xml.text
    }

    /// `pygrade check`: one suite per kind of check (definition, reference,
    /// determinism, margin, fixture), one case per item. Every kind is
    /// rendered: a kind left out would hide its failures from CI.
    public static func render(checks: [CheckItem]) -> String {
        var xml = XMLWriter()
        let failed = checks.filter { !$0.ok }.count
        let total = checks.reduce(0) { $0 + $1.milliseconds } / 1000
        xml.open(
            "testsuites",
            [("name", "pygrade check"), ("tests", "\(checks.count)"), ("failures", "\(failed)"), ("errors", "0"), ("time", seconds(total))])
        for kind in CheckItem.Kind.allCases {
            let items = checks.filter { $0.kind == kind }
            guard !items.isEmpty else { continue }
            xml.open(
                "testsuite",
                [
                    ("name", kind.rawValue), ("tests", "\(items.count)"), ("failures", "\(items.filter { !$0.ok }.count)"),
                    ("errors", "0"), ("skipped", "0"), ("time", seconds(items.reduce(0) { $0 + $1.milliseconds } / 1000)),
                ])
            for item in items {
                // A warning holds: a passing case that says it.
                let c = Case(
                    name: item.name, seconds: item.milliseconds / 1000,
                    problem: item.ok ? nil : Problem(error: false, type: kind.rawValue, message: item.detail, body: item.detail),
                    output: item.warning ? "warning: \(item.detail)" : nil)
                write(c, classname: "check.\(kind.rawValue)", into: &xml)
            }
            xml.close("testsuite")
        }
        xml.close("testsuites")
        return xml.text
    }

    struct Problem {
        var error: Bool
        var type: String
        var message: String
        var body: String
    }

    struct Case {
        var name: String
        /// Absent for a hidden test, which has no figure of its own (Figures).
        var seconds: Double?
        var problem: Problem?
        var output: String? = nil
    }

    struct Suite {
        var cases: [Case]
        /// The exercise's CPU time, all its tests (Figures: a total).
        var seconds: Double
        var failures: Int { cases.filter { $0.problem?.error == false }.count }
        var errors: Int { cases.filter { $0.problem?.error == true }.count }
    }

    static func suite(_ exercise: ExerciseReport) -> Suite {
        // An exercise that never ran its tests still shows up as one case, so
        // a CI dashboard counts it as failed rather than as empty.
        if exercise.status == .syntaxError || exercise.status == .missing || exercise.tests.isEmpty {
            let name = exercise.status == .syntaxError ? "compile" : "load"
            let problem =
                exercise.status == .passed
                ? nil
                : Problem(
                    error: true, type: exercise.status.rawValue, message: exercise.message,
                    body: "status: \(exercise.status.rawValue)\n\(exercise.message)")
            return Suite(cases: [Case(name: name, seconds: 0, problem: problem)], seconds: (exercise.cpuMs ?? 0) / 1000)
        }
        var cases = exercise.tests.map { t -> Case in
            // Only visible tests ever carry output (ExerciseReportBuilder); the
            // visibility check is a second lock on that door.
            let output = t.visibility == .visible ? t.output.map { $0 + truncationNote(t) } : nil
            // A hidden test has no figure of its own (the builder gives it
            // none; the visibility check is a second lock).
            let seconds = Figures.shown(for: t.visibility) ? t.cpuMs.map { $0 / 1000 } : nil
            guard t.status != .passed else { return Case(name: t.name, seconds: seconds, problem: nil, output: output) }
            let why = t.message ?? t.status.rawValue.replacingOccurrences(of: "_", with: " ")
            let message = t.visibility == .visible ? why : "[\(t.hint)] \(why)"
            let body = (["status: \(t.status.rawValue)", "visibility: \(t.visibility.rawValue)", "hint: \(t.hint)", why] + t.failureLines)
                .joined(separator: "\n")
            return Case(
                name: t.name, seconds: seconds,
                problem: Problem(error: t.status != .wrongAnswer, type: t.status.rawValue, message: message, body: body), output: output)
        }
        for rule in exercise.rules {
            cases.append(
                Case(
                    name: "rule \(rule.id)", seconds: 0,
                    problem: Problem(
                        error: false, type: ExerciseStatus.ruleViolation.rawValue, message: "\(rule.place): \(rule.message)",
                        body: "status: rule_violation\n\(rule.place): \(rule.message)")))
        }
        return Suite(cases: cases, seconds: (exercise.cpuMs ?? 0) / 1000)
    }

    /// Said after output that reached the size the worker keeps.
    static func truncationNote(_ t: TestReport) -> String {
        t.outputTruncated == true ? "\n[pygrade: output cut, only the first \(TestOutcome.keptOutputBytes) bytes are kept]\n" : ""
    }

    static func write(_ c: Case, classname: String, into xml: inout XMLWriter) {
        let attributes = [("name", c.name), ("classname", classname)] + (c.seconds.map { [("time", seconds($0))] } ?? [])
        guard c.problem != nil || c.output?.isEmpty == false else {
            xml.open("testcase", attributes, empty: true)
            return
        }
        xml.open("testcase", attributes)
        if let p = c.problem {
            xml.element(p.error ? "error" : "failure", [("type", p.type), ("message", p.message)], text: p.body)
        }
        if let output = c.output, !output.isEmpty { xml.element("system-out", text: output) }
        xml.close("testcase")
    }

    static func seconds(_ s: Double) -> String { String(format: "%.6f", s) }
}
