import Foundation

/// What one assignment grades: which exercises count, in which order, with
/// which points and limits, and what Gradescope shows of hidden tests. Read
/// from a YAML file (AssignmentLoader); without one every exercise counts,
/// under its own definition.
public struct Assignment: Sendable {
    /// The name `batch` looks for in its folder of candidates.
    public static let fileName = "assignment.yaml"

    /// One exercise of the assignment, with what it overrides.
    public struct Entry: Sendable, Equatable {
        public var id: String
        /// Replaces the exercise's `points` (tests keep their weights).
        public var points: Double?
        /// Replaces the exercise's limits for candidates; `time` sets every
        /// test's CPU limit, a test's own `time` included, as `--time-limit`
        /// does. The reference always runs under the exercise's own limits.
        public var limits: LimitOverrides

        public init(id: String, points: Double? = nil, limits: LimitOverrides = LimitOverrides()) {
            self.id = id
            self.points = points
            self.limits = limits
        }
    }

    public var name: String
    /// The file as it was named (on the command line, or found).
    public var file: String
    /// SHA-256 of the file's bytes: what `sha256sum` prints for it.
    public var sha256: String
    public var entries: [Entry]
    /// What Gradescope shows of hidden tests, unless `--gradescope-hidden` says.
    public var gradescopeHidden: GradescopeReport.Visibility?

    public var ids: [String] { entries.map(\.id) }

    /// What a report records of it.
    public var info: AssignmentInfo { AssignmentInfo(name: name, sha256: sha256) }

    /// The assignment's exercises, in its order, each as it grades them.
    /// Entries were checked against the catalog when the file was read; one
    /// the catalog lacks is left out.
    public func exercises(in catalog: ExerciseCatalog) -> [Exercise] {
        entries.compactMap { entry in catalog.exercise(entry.id).map { Assignment.apply(entry, to: $0) } }
    }

    /// The exercise under the entry's points and limits. Its hash, tests and
    /// sources stay: the expected results and the worker's prepared inputs
    /// are the same ones.
    static func apply(_ entry: Entry, to exercise: Exercise) -> Exercise {
        var e = exercise
        if let points = entry.points { e.points = points }
        e.limits = entry.limits.applied(to: e.limits)
        if entry.limits.time != nil {
            for i in e.tests.indices { e.tests[i].timeSeconds = nil }
        }
        return e
    }
}
