/// An exercise that cannot be graded: its definition, its test inputs or its
/// reference is broken. Not the candidate's doing, and no reason to leave
/// the other exercises ungraded: a report leaves it out and names it.
public struct BrokenExercise: Sendable, CustomStringConvertible {
    public enum Stage: String, Sendable {
        /// exercise.yaml, or the Python it holds or names, is malformed.
        case definition
        /// Building the test inputs failed (a generator or an argument raised).
        case inputs
        /// The reference solution does not pass its own tests.
        case reference
    }

    public var id: String
    public var stage: Stage
    /// The whole problem, for the exercise's author (stderr, `check`). It
    /// may quote a test's input (a compiler's or the reference's words): it
    /// never goes into a report.
    public var problem: String
    /// The file, and line, at fault when known ("…/exercise.yaml:12").
    public var place: String?

    public init(id: String, stage: Stage, problem: String, place: String? = nil) {
        self.id = id
        self.stage = stage
        self.problem = problem
        self.place = place
    }

    public init(id: String, _ error: DefinitionError) {
        self.init(
            id: id, stage: .definition, problem: error.description, place: error.line.map { "\(error.file):\($0)" } ?? error.file)
    }

    public var description: String { problem }

    /// What a report says of it: which part is broken and where, never the
    /// problem's own words.
    public var reportMessage: String {
        let what =
            switch stage {
            case .definition: "its definition is malformed" + (place.map { " (\($0))" } ?? "")
            case .inputs: "its test inputs cannot be built"
            case .reference: "its reference solution fails"
            }
        return "not graded: \(what); `pygrade check --exercise \(id)` says why"
    }
}
