import Foundation

/// `pygrade check --assignment FILE`: the file must be a valid assignment
/// of these exercises (every problem is a failure naming the file and
/// line), and under each limit it changes the reference must still earn
/// full marks with the same margin as under the exercise's own.
extension CheckRunner {
    /// One item for the file; the assignment when it is valid.
    func checkAssignment(_ file: String, catalog: ExerciseCatalog, record: (CheckItem) -> Void) -> Assignment? {
        do {
            let a = try AssignmentLoader.load(file, catalog: catalog)
            let exercises = a.exercises(in: catalog)
            let points = exercises.reduce(0) { $0 + $1.points }
            record(
                CheckItem(
                    kind: .assignment, name: file, ok: true,
                    detail: "'\(a.name)': \(exercises.map(\.id).joined(separator: ", ")) (\(TextReport.number(points)) points)",
                    milliseconds: 0))
            return a
        } catch {
            record(CheckItem(kind: .assignment, name: file, ok: false, detail: error.description, milliseconds: 0))
            return nil
        }
    }

    static func overridesLimits(_ assignment: Assignment, _ id: String) -> Bool {
        assignment.entries.first { $0.id == id }.map { !$0.limits.isEmpty } ?? false
    }

    /// The reference graded as a candidate under the assignment's limits
    /// (`exercise` is the assignment's version of it): full marks, and
    /// under `marginFraction` of every test's CPU limit there.
    func checkReference(_ exercise: Exercise, under assignment: Assignment, catalog: ExerciseCatalog) -> CheckItem {
        let name = "\(assignment.file): \(exercise.id)"
        func item(_ ok: Bool, _ detail: String) -> CheckItem {
            CheckItem(kind: .assignment, name: name, ok: ok, detail: detail, milliseconds: 0)
        }
        var options = GradeOptions()
        options.assignment = assignment
        options.exerciseIDs = [exercise.id]
        let reference = exercise.folder.appendingPathComponent("reference.py").path
        do {
            let grader = try Grader(catalog: catalog, options: options, store: store)
            let report = try grader.grade(Submission(path: reference, isFolder: false, files: ["reference.py": exercise.referenceSource]))
            guard let r = report.exercises.first, r.status == .passed, r.score == r.maxScore else {
                let r = report.exercises.first
                return item(false, "under its limits the reference gets \(r?.status.rawValue ?? "?"): \(r?.message ?? "")")
            }
            // Hidden tests too: the grader's own timings, not the report's
            // (which gives a hidden test no figure).
            guard let cpu = grader.lastTimings.first?.testCPUms, cpu.count == exercise.tests.count else {
                return item(false, "under its limits the reference's tests were not all timed")
            }
            let margin = CheckRunner.margin(exercise, cpuMs: cpu)
            return item(margin.ok, "under its limits the reference earns full marks; \(margin.detail)")
        } catch {
            return item(false, "\(error)")
        }
    }
}
