import Foundation

/// One thing `pygrade check` verified.
public struct CheckItem: Sendable {
    public enum Kind: String, Sendable { case definition, reference, fixture }
    public var kind: Kind
    public var name: String
    public var ok: Bool
    public var detail: String
    public var milliseconds: Double
}

/// The CI check (SPEC §1): every definition is valid, every reference earns
/// full marks, every fixture gets the statuses it declares.
public final class CheckRunner {
    public let exercisesFolder: URL
    public let fixturesFolder: String
    let store: ExpectedStore

    public init(exercisesFolder: URL, fixturesFolder: String, store: ExpectedStore = ExpectedStore()) {
        self.exercisesFolder = exercisesFolder
        self.fixturesFolder = fixturesFolder
        self.store = store
    }

    public func run(progress: (CheckItem) -> Void = { _ in }) -> [CheckItem] {
        var items: [CheckItem] = []
        func record(_ item: CheckItem) {
            items.append(item)
            progress(item)
        }
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: exercisesFolder)
        for e in errors {
            record(CheckItem(kind: .definition, name: e.file, ok: false, detail: e.description, milliseconds: 0))
        }
        for e in catalog.exercises {
            record(CheckItem(kind: .definition, name: e.id, ok: true, detail: "\(e.tests.count) tests", milliseconds: 0))
        }
        guard !catalog.exercises.isEmpty else { return items }

        let grader: Grader
        do {
            grader = try Grader(catalog: catalog, options: GradeOptions(), store: store)
        } catch {
            record(CheckItem(kind: .definition, name: exercisesFolder.path, ok: false, detail: error.description, milliseconds: 0))
            return items
        }
        for exercise in catalog.exercises {
            let start = Clock.now
            record(checkReference(exercise, grader: grader).with(milliseconds: start.millisecondsElapsed))
        }

        let paths: [String]
        do { paths = try Fixture.paths(in: fixturesFolder) } catch {
            record(CheckItem(kind: .fixture, name: fixturesFolder, ok: false, detail: error.description, milliseconds: 0))
            return items
        }
        for path in paths {
            let start = Clock.now
            record(checkFixture(path, catalog: catalog).with(milliseconds: start.millisecondsElapsed))
        }
        return items
    }

    /// Recomputes the expected results (never trusting the cache), then
    /// grades the reference as a submission: it must earn every point.
    func checkReference(_ exercise: Exercise, grader: Grader) -> CheckItem {
        let name = exercise.folder.appendingPathComponent("reference.py").path
        do {
            let expected = try grader.computeExpected(for: exercise)
            try? store.save(exercise, expected)
            let single = try Grader(catalog: grader.catalog, options: optionsFor([exercise.id]), store: store)
            let submission = Submission(path: name, isFolder: false, files: ["reference.py": exercise.referenceSource])
            let report = try single.grade(submission)
            guard let r = report.exercises.first, r.status == .passed, r.score == r.maxScore else {
                let r = report.exercises.first
                return CheckItem(
                    kind: .reference, name: name, ok: false, detail: "\(r?.status.rawValue ?? "?"): \(r?.message ?? "")", milliseconds: 0)
            }
            return CheckItem(kind: .reference, name: name, ok: true, detail: "full marks", milliseconds: 0)
        } catch {
            return CheckItem(kind: .reference, name: name, ok: false, detail: "\(error)", milliseconds: 0)
        }
    }

    private var graders: [String: Grader] = [:]

    func optionsFor(_ ids: [String]) -> GradeOptions {
        var o = GradeOptions()
        o.exerciseIDs = ids
        return o
    }

    func checkFixture(_ path: String, catalog: ExerciseCatalog) -> CheckItem {
        let fixture: Fixture
        do { fixture = try Fixture.load(path) } catch {
            return CheckItem(kind: .fixture, name: path, ok: false, detail: error.description, milliseconds: 0)
        }
        do {
            let key = fixture.exerciseIDs.joined(separator: ",")
            let grader = try graders[key] ?? Grader(catalog: catalog, options: optionsFor(fixture.exerciseIDs), store: store)
            graders[key] = grader
            let submission = try Submission.load(path, exerciseIDs: fixture.exerciseIDs)
            let report = try grader.grade(submission)
            var problems: [String] = []
            for (id, allowed) in fixture.expectations {
                guard let got = report.exercises.first(where: { $0.id == id }) else {
                    problems.append("\(id): not graded")
                    continue
                }
                if !allowed.contains(got.status) {
                    let want = allowed.map(\.rawValue).sorted().joined(separator: "|")
                    problems.append("\(id): expected \(want), got \(got.status.rawValue) (\(got.message))")
                }
            }
            let summary = report.exercises.map { "\($0.id)=\($0.status.rawValue)" }.joined(separator: " ")
            return CheckItem(
                kind: .fixture, name: path, ok: problems.isEmpty, detail: problems.isEmpty ? summary : problems.joined(separator: "; "),
                milliseconds: 0)
        } catch {
            return CheckItem(kind: .fixture, name: path, ok: false, detail: "\(error)", milliseconds: 0)
        }
    }
}

extension CheckItem {
    func with(milliseconds: Double) -> CheckItem {
        var c = self
        c.milliseconds = milliseconds
        return c
    }
}
