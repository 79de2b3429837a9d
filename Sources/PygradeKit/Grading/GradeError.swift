/// Why grading stopped short of a report: not the candidate's fault.
public struct GradeError: Error, CustomStringConvertible, Sendable {
    public var description: String
    /// Set when one exercise is at fault, not the grader: the others can
    /// still be graded.
    public var broken: BrokenExercise?
    public init(_ description: String, broken: BrokenExercise? = nil) {
        self.description = description
        self.broken = broken
    }
    init(_ broken: BrokenExercise) { self.init(broken.problem, broken: broken) }
}
