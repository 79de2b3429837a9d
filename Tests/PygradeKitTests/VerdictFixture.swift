import Foundation
import TestSupport
import Testing

@testable import PygradeKit

/// The exercise the verdict suites grade (`demo`: one visible test, one
/// hidden test of weight 3, a rule with a penalty) and hand-made worker
/// responses for it: no process runs.
protocol VerdictFixture {
    var exercise: Exercise { get }
    var expected: ExpectedResults { get }
}

extension VerdictFixture {
    static func demo() throws -> (Exercise, ExpectedResults) {
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
        let exercise = try ExerciseLoader.load(folder: folder)
        let expected = try ExpectedResults(
            encoded: [ValueCodec.encode(.int(1)), ValueCodec.encode(.list([.int(2)]))], referenceCPUms: [0, 0])
        return (exercise, expected)
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
}
