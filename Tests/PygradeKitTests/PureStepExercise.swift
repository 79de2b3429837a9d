import Foundation
import TestSupport

@testable import PygradeKit

/// An exercise for the tests of the pure steps (Verdict,
/// ExerciseReportBuilder): loaded from a definition written out line by
/// line, its folder gone once loaded.
enum PureStepExercise {
    static func load(_ id: String, points: Int, rules: [String] = [], tests: [String]) throws -> Exercise {
        let lines =
            ["id: \(id)", "title: \(id)", "entry: f", "points: \(points)"]
            + (rules.isEmpty ? [] : ["rules:"] + rules.map { "  - \($0)" }) + ["tests:"] + tests.map { "  - \($0)" }
        let tmp = TemporaryFolder()
        return try withExtendedLifetime(tmp) {
            try ExerciseLoader.load(folder: tmp.exercise(id, definition: lines.joined(separator: "\n") + "\n"))
        }
    }
}
