import Foundation

/// One thing `pygrade check` verified.
public struct CheckItem: Sendable {
    public enum Kind: String, Sendable, CaseIterable { case definition, assignment, reference, determinism, margin, fixture }
    public var kind: Kind
    public var name: String
    public var ok: Bool
    public var detail: String
    public var milliseconds: Double
    /// Holds, but something is worth a look (an exercise no fixture
    /// covers): said, never a failure.
    public var warning = false
}

/// The CI check (`pygrade check`): every definition is valid (the Python it holds
/// compiles), every reference earns full marks, grading is deterministic,
/// every time limit has margin, and every fixture gets the statuses it
/// declares. An exercise no fixture covers is a warning.
public final class CheckRunner {
    public let exercisesFolder: URL
    public let fixturesFolder: String
    /// An assignment to check against the exercises (AssignmentCheck).
    public var assignmentFile: String?
    /// Check only these exercises, and the fixtures that declare statuses
    /// for them (all when empty).
    public let exerciseIDs: [String]
    let store: ExpectedStore

    public init(exercisesFolder: URL, fixturesFolder: String, exerciseIDs: [String] = [], store: ExpectedStore = ExpectedStore()) {
        self.exercisesFolder = exercisesFolder
        self.fixturesFolder = fixturesFolder
        self.exerciseIDs = exerciseIDs
        self.store = store
    }

    /// The ids asked for that name no exercise folder, and the ones there are.
    public static func unknownExercises(_ ids: [String], in folder: URL) -> (unknown: [String], known: [String]) {
        let (catalog, _) = ExerciseCatalog.loadCollectingErrors(from: folder)
        let known = Set(catalog.exercises.map(\.id)).union(catalog.broken.keys)
        return (ids.filter { !known.contains($0) }, known.sorted())
    }

    func inScope(_ id: String) -> Bool { exerciseIDs.isEmpty || exerciseIDs.contains(id) }

    public func run(progress: (CheckItem) -> Void = { _ in }) -> [CheckItem] {
        var items: [CheckItem] = []
        func record(_ item: CheckItem) {
            items.append(item)
            progress(item)
        }
        let (catalog, errors) = ExerciseCatalog.loadCollectingErrors(from: exercisesFolder)
        for e in errors where exerciseIDs.isEmpty || catalog.broken.contains(where: { inScope($0.key) && $0.value.file == e.file }) {
            record(CheckItem(kind: .definition, name: e.file, ok: false, detail: e.description, milliseconds: 0))
        }
        let selected = catalog.exercises.filter { inScope($0.id) }
        var sound: [Exercise] = []
        // Malformed: failed above, and not graded again through fixtures.
        var malformed = Set(catalog.broken.keys)
        if !selected.isEmpty {
            // The Python each definition holds, compiled by the worker's
            // interpreter (the one that will build the inputs).
            let grader: Grader
            let problems: [ExerciseSourceCheck.Problem]
            do {
                grader = try Grader(catalog: catalog, options: optionsFor(selected.map(\.id)), store: store)
                problems = try grader.definitionProblems()
            } catch {
                record(CheckItem(kind: .definition, name: exercisesFolder.path, ok: false, detail: error.description, milliseconds: 0))
                return items
            }
            for e in selected {
                let mine = problems.filter { $0.exercise == e.id }
                for p in mine {
                    record(CheckItem(kind: .definition, name: p.error.file, ok: false, detail: p.error.description, milliseconds: 0))
                }
                if mine.isEmpty {
                    record(CheckItem(kind: .definition, name: e.id, ok: true, detail: "\(e.tests.count) tests", milliseconds: 0))
                    sound.append(e)
                } else {
                    malformed.insert(e.id)
                }
            }
            for exercise in sound {
                let start = Clock.now
                let items = checkReference(exercise, grader: grader)
                let ms = start.millisecondsElapsed
                for item in items { record(item.with(milliseconds: item.kind == .reference ? ms : 0)) }
            }
        }
        let assignment = assignmentFile.flatMap { file in checkAssignment(file, catalog: catalog, record: record) }
        guard !catalog.exercises.isEmpty else { return items }

        // The references again under the assignment's limits, where it
        // changes them: they must still earn full marks there.
        if let assignment {
            for exercise in assignment.exercises(in: catalog)
            where inScope(exercise.id) && !malformed.contains(exercise.id)
                && Self.overridesLimits(assignment, exercise.id)
            {
                let start = Clock.now
                record(checkReference(exercise, under: assignment, catalog: catalog).with(milliseconds: start.millisecondsElapsed))
            }
        }

        let paths: [String]
        do { paths = try Fixture.paths(in: fixturesFolder) } catch {
            record(CheckItem(kind: .fixture, name: fixturesFolder, ok: false, detail: error.description, milliseconds: 0))
            return items
        }
        var covered = Set<String>()
        for path in paths {
            let start = Clock.now
            let fixture: Fixture
            do { fixture = try Fixture.load(path) } catch {
                record(CheckItem(kind: .fixture, name: path, ok: false, detail: error.description, milliseconds: 0))
                continue
            }
            covered.formUnion(fixture.exerciseIDs)
            // With --exercise: only the fixtures that declare a status for
            // it, graded on it alone.
            var mine = fixture
            mine.expectations = fixture.expectations.filter { inScope($0.exercise) && !malformed.contains($0.exercise) }
            if mine.expectations.isEmpty && (fixture.refusal == nil || !exerciseIDs.isEmpty) { continue }
            record(checkFixture(mine, catalog: catalog).with(milliseconds: start.millisecondsElapsed))
        }
        // (A malformed exercise has failed already: no warning on top.)
        for id in catalog.exercises.map(\.id) where inScope(id) && !malformed.contains(id) && !covered.contains(id) {
            var item = CheckItem(
                kind: .fixture, name: id, ok: true,
                detail: "no fixture declares a status for this exercise (add a submission to \(fixturesFolder) "
                    + "with a line '# expect: \(id)=<status>')",
                milliseconds: 0)
            item.warning = true
            record(item)
        }
        return items
    }

    /// The reference must use less than this fraction of every test's CPU
    /// limit, so that a correct solution a few times slower still passes and
    /// a loaded CI machine does not turn the reference's own run into a TLE.
    public static let marginFraction = 0.2

    /// Recomputes the expected results twice, in two workers (never trusting
    /// the cache): the two runs must agree byte for byte (seeded generators,
    /// no hash-order or clock dependence), the reference must stay within
    /// `marginFraction` of each limit, and graded as a submission it must
    /// earn every point.
    func checkReference(_ exercise: Exercise, grader: Grader) -> [CheckItem] {
        let name = exercise.folder.appendingPathComponent("reference.py").path
        var items: [CheckItem] = []
        do {
            let first = try grader.computeExpected(for: exercise)
            try? store.save(exercise, first)
            let single = try Grader(catalog: grader.catalog, options: optionsFor([exercise.id]), store: store)
            let second = try single.computeExpected(for: exercise)
            items.append(Self.determinism(exercise, first, second))
            items.append(Self.margin(exercise, cpuMs: zip(first.referenceCPUms, second.referenceCPUms).map { max($0, $1) }))
            let submission = Submission(path: name, isFolder: false, files: ["reference.py": exercise.referenceSource])
            let report = try single.grade(submission)
            guard let r = report.exercises.first, r.status == .passed, r.score == r.maxScore else {
                let r = report.exercises.first
                items.insert(
                    CheckItem(
                        kind: .reference, name: name, ok: false, detail: "\(r?.status.rawValue ?? "?"): \(r?.message ?? "")",
                        milliseconds: 0), at: 0)
                return items
            }
            items.insert(CheckItem(kind: .reference, name: name, ok: true, detail: "full marks", milliseconds: 0), at: 0)
        } catch {
            items.insert(CheckItem(kind: .reference, name: name, ok: false, detail: "\(error)", milliseconds: 0), at: 0)
        }
        return items
    }

    /// Two computations of the expected results must agree under each
    /// test's checker: byte equality would be too strict for an unordered
    /// checker, since set order follows the per-process string hash seed.
    /// Equal bytes are a shortcut only for a value with a digest: a NaN,
    /// which has none, equals nothing (docs/equality.md).
    static func determinism(_ exercise: Exercise, _ a: ExpectedResults, _ b: ExpectedResults) -> CheckItem {
        let differing = exercise.tests.indices.filter { i in
            guard i < a.values.count, i < b.values.count else { return true }
            if a.encoded[i] == b.encoded[i] && a.digests[i] != nil { return false }
            return Checker.check(exercise.tests[i].checker ?? exercise.checker, got: b.values[i], expected: a.values[i]) != .pass
        }
        let names = differing.map { exercise.tests[$0].name }
        return CheckItem(
            kind: .determinism, name: exercise.id, ok: differing.isEmpty,
            detail: differing.isEmpty
                ? "two runs of the reference agree on all \(exercise.tests.count) tests"
                : "two runs of the reference differ on \(names.joined(separator: ", "))",
            milliseconds: 0)
    }

    /// Every test's CPU limit must be more than 1 / `marginFraction` times
    /// what the reference needs.
    static func margin(_ exercise: Exercise, cpuMs: [Double]) -> CheckItem {
        var worst: (name: String, used: Double, limit: Double)?
        var tight: [String] = []
        for (test, used) in zip(exercise.tests, cpuMs) {
            let limit = (test.timeSeconds ?? exercise.limits.timeSeconds) * 1000
            if worst.map({ used / limit > $0.used / $0.limit }) ?? true { worst = (test.name, used, limit) }
            if used >= limit * marginFraction {
                tight.append(String(format: "%@ (%.0f of %.0f ms)", test.name, used, limit))
            }
        }
        let percent = Int(marginFraction * 100)
        guard tight.isEmpty else {
            return CheckItem(
                kind: .margin, name: exercise.id, ok: false,
                detail: "the reference uses \(percent)% or more of the time limit on \(tight.joined(separator: ", "))", milliseconds: 0)
        }
        let detail =
            worst.map {
                String(
                    format: "the reference uses at most %.1f%% of a time limit (%@: %.1f of %.0f ms)", $0.used / $0.limit * 100, $0.name,
                    $0.used, $0.limit)
            }
            ?? "no tests"
        return CheckItem(kind: .margin, name: exercise.id, ok: true, detail: detail, milliseconds: 0)
    }

    private var graders: [String: Grader] = [:]

    func optionsFor(_ ids: [String]) -> GradeOptions {
        var o = GradeOptions()
        o.exerciseIDs = ids
        return o
    }

    func checkFixture(_ fixture: Fixture, catalog: ExerciseCatalog) -> CheckItem {
        let path = fixture.path
        if let refusal = fixture.refusal { return checkRefused(path, catalog: catalog, holding: refusal) }
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

extension CheckRunner {
    /// A fixture declared `expect: refused`: reading it must fail as `grade`
    /// would fail on it (exit 2), with one line that names the fixture or an
    /// entry inside it and holds the declared text. Nothing is graded.
    func checkRefused(_ path: String, catalog: ExerciseCatalog, holding text: String) -> CheckItem {
        func item(_ ok: Bool, _ detail: String) -> CheckItem {
            CheckItem(kind: .fixture, name: path, ok: ok, detail: detail, milliseconds: 0)
        }
        do {
            _ = try Submission.load(path, exerciseIDs: catalog.exercises.map(\.id))
            return item(false, "read as a submission, but it must be refused as bad input")
        } catch {
            let line = error.description
            let folder = path.hasSuffix("/") ? path : path + "/"
            if line.contains("\n") { return item(false, "refused, but not in one line: \(line)") }
            if error.path != path && !error.path.hasPrefix(folder) {
                return item(false, "refused, but the error names neither the fixture nor an entry of it: \(line)")
            }
            if !line.contains(text) { return item(false, "refused, but the error does not say '\(text)': \(line)") }
            return item(true, "refused: \(line)")
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
