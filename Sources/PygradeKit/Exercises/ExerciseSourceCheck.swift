import Foundation

/// The Python an exercise's author wrote, compiled (never run) by a worker's
/// embedded interpreter when the definitions are checked: each test's
/// argument expressions, generators.py and probes.py, and whether these
/// define the generators and probes the tests name. A typo is reported with
/// its file, its line and its test, instead of failing later, when the
/// inputs are built. (The orchestrator runs no Python of its own, and the
/// python3 on PATH need not be the interpreter that builds the inputs.)
public enum ExerciseSourceCheck {
    public struct Problem: Sendable {
        public var exercise: String
        public var error: DefinitionError
    }

    /// Every problem found, in the order of `exercises` and of their tests.
    public static func problems(in exercises: [Exercise], worker: WorkerClient) throws(ProtocolError) -> [Problem] {
        var items: [SourceCheckRequest.Item] = []
        var explain: [(exercise: String, errors: (SourceCheckResponse.Problem) -> [DefinitionError])] = []
        for e in exercises {
            for (item, errors) in checks(e) {
                items.append(item)
                explain.append((e.id, errors))
            }
        }
        guard !items.isEmpty else { return [] }
        let response = try worker.checkSources(SourceCheckRequest(items: items))
        return response.problems.flatMap { p in
            p.index >= 0 && p.index < explain.count
                ? explain[p.index].errors(p).map { Problem(exercise: explain[p.index].exercise, error: $0) } : []
        }
    }

    /// What to compile for one exercise, each with how to word its problems.
    static func checks(_ e: Exercise) -> [(SourceCheckRequest.Item, (SourceCheckResponse.Problem) -> [DefinitionError])] {
        let yaml = e.definitionFile.path
        var out: [(SourceCheckRequest.Item, (SourceCheckResponse.Problem) -> [DefinitionError])] = []
        func expression(_ source: String, test: TestCase, what: String, line: Int?) {
            out.append(
                (
                    .init(source: source, filename: ExerciseLoader.definitionName, mode: .eval),
                    { p in
                        let within = (p.line ?? 1) > 1 ? " (on its line \(p.line!))" : ""
                        return [
                            DefinitionError(
                                file: yaml, line: line ?? test.lines.test,
                                "test '\(test.name)': \(what) is not a Python expression: \(p.message ?? "invalid syntax")\(within)")
                        ]
                    }
                ))
        }
        var generatorNames: [String: [TestCase]] = [:]
        var probeNames: [String: [TestCase]] = [:]
        for t in e.tests {
            switch t.input {
            case .literal(let args, let kwargs):
                for (i, a) in args.enumerated() {
                    expression(a, test: t, what: "args[\(i)]", line: i < t.lines.args.count ? t.lines.args[i] : nil)
                }
                for k in kwargs.keys.sorted() {
                    expression(kwargs[k]!, test: t, what: "kwargs['\(k)']", line: t.lines.kwargs[k])
                }
            case .probe(let name, let args):
                probeNames[name, default: []].append(t)
                for (i, a) in args.enumerated() {
                    expression(a, test: t, what: "args[\(i)]", line: i < t.lines.args.count ? t.lines.args[i] : nil)
                }
            case .generated(let function, _, _):
                generatorNames[function, default: []].append(t)
            }
        }
        for (file, source, named, kind) in [
            ("generators.py", e.generatorsSource, generatorNames, "generator"), ("probes.py", e.probesSource, probeNames, "probe"),
        ] {
            guard let source else { continue }
            let path = e.folder.appendingPathComponent(file).path
            let names = named.keys.sorted()
            out.append(
                (
                    .init(source: source, filename: file, mode: .exec, names: names),
                    { p in
                        if let message = p.message { return [DefinitionError(file: path, line: p.line, "does not compile: \(message)")] }
                        return (p.undefined ?? []).flatMap { name in
                            (named[name] ?? []).map { t in
                                DefinitionError(
                                    file: yaml, line: t.lines.function ?? t.lines.test,
                                    "test '\(t.name)': \(file) defines no \(kind) '\(name)'")
                            }
                        }
                    }
                ))
        }
        return out
    }
}
