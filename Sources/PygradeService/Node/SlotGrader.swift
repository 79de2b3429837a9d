import Foundation
import PygradeKit

/// What grading one job gave.
enum GradingOutcome: Sendable, Equatable {
    /// The report, as `ReportJSON.encode(report, pretty: false)` wrote it.
    case report(String)
    /// The request's own problem (a bad file, an unknown exercise, a bad
    /// assignment): no retry will change it. One line.
    case refused(String)
    /// The grader failed (its worker died, a protocol error): another
    /// attempt, with a fresh grader, may succeed. One line.
    case graderFailed(String)
}

/// The graders of one slot, touched only on the slot's thread (hence
/// `@unchecked Sendable`: the confinement is what makes it safe). A grader's
/// options are fixed when it is made, so the slot keeps two warm: the one
/// for requests that choose nothing (every exercise, their own limits), and
/// the last one made for a request that chose exercises, limits or an
/// assignment (a batch usually repeats its choice).
final class SlotGrader: @unchecked Sendable {
    private let catalog: ExerciseCatalog
    private let configuration: NodeConfiguration
    private var standard: Grader?
    private var chosen: (key: GraderKey, grader: Grader)?

    init(catalog: ExerciseCatalog, configuration: NodeConfiguration) {
        self.catalog = catalog
        self.configuration = configuration
    }

    /// What makes two requests' graders the same.
    struct GraderKey: Equatable {
        var exercises: [String]
        var limits: RequestLimits?
        var assignment: JSONValue?
    }

    private var baseOptions: GradeOptions {
        var o = GradeOptions()
        o.workerExecutable = configuration.workerExecutable
        o.sandbox = configuration.sandbox
        o.maxSubmissionBytes = configuration.maxSubmissionBytes
        return o
    }

    /// Starts the standard grader's worker (and checks the exercises'
    /// Python in it); nil when it is up, else why not.
    func warm() -> String? {
        do {
            let g = try standardGrader()
            _ = try g.definitionProblems()
            return nil
        } catch {
            standard = nil
            return "\(error)"
        }
    }

    /// Drops every grader (their workers end with them): the next job starts fresh.
    func reset() {
        standard = nil
        chosen = nil
    }

    private func standardGrader() throws(GradeError) -> Grader {
        if let standard { return standard }
        let g = try Grader(catalog: catalog, options: baseOptions)
        standard = g
        return g
    }

    func grade(payload: Data) -> GradingOutcome {
        let request: SubmissionRequest
        do { request = try JSONDecoder().decode(SubmissionRequest.self, from: payload) } catch {
            return .refused("the job's payload is not a submission request")
        }
        let grader: Grader
        switch self.grader(for: request) {
        case .success(let g): grader = g
        case .failure(let refusal): return .refused(refusal.reason)
        }
        let submission: Submission
        do {
            submission = try NodeSubmission.make(
                request, exerciseIDs: grader.exercises.map(\.id), maxBytes: configuration.maxSubmissionBytes)
        } catch {
            return .refused("\(error)")
        }
        do {
            let report = try grader.grade(submission)
            return .report(try ReportJSON.encode(report, pretty: false))
        } catch let error as GradeError where error.broken != nil {
            // Every exercise asked for is broken: the author's problem, the
            // same on any attempt.
            return .refused("\(error)")
        } catch {
            return .graderFailed("\(error)")
        }
    }

    struct Refusal: Error { var reason: String }

    /// The grader for a request's choices: made when they differ from the
    /// last ones. A choice the catalog refuses (an unknown exercise, a
    /// malformed assignment) is the request's problem.
    private func grader(for request: SubmissionRequest) -> Result<Grader, Refusal> {
        let key = GraderKey(exercises: request.exercises ?? [], limits: request.limits, assignment: request.assignment)
        do {
            if key == GraderKey(exercises: [], limits: nil, assignment: nil) { return .success(try standardGrader()) }
            if let chosen, chosen.key == key { return .success(chosen.grader) }
        } catch {
            return .failure(Refusal(reason: "\(error)"))
        }
        var options = baseOptions
        options.exerciseIDs = key.exercises
        options.timeLimit = key.limits?.time
        options.memoryLimit = key.limits?.memory
        options.wallBudget = key.limits?.budget
        if let assignment = key.assignment {
            switch InlineAssignment.load(assignment, catalog: catalog, folder: configuration.dataFolder) {
            case .success(let a): options.assignment = a
            case .failure(let e): return .failure(Refusal(reason: e.description))
            }
        }
        do {
            let g = try Grader(catalog: catalog, options: options)
            chosen = (key, g)
            return .success(g)
        } catch {
            return .failure(Refusal(reason: "\(error)"))
        }
    }
}
