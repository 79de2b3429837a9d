/// The harness spec of an exercise: here, not in PygradeProtocol, because
/// an Exercise (its YAML, its files) is the orchestrator's alone; the
/// worker only ever sees the spec.
extension HarnessSpec {
    public init(_ exercise: Exercise) {
        var previewBytes: Int?
        if exercise.visibleOnly && exercise.tests.allSatisfy({ $0.visibility == .visible }) {
            previewBytes = HarnessSpec.argumentPreviewLimit
        }
        self.init(
            generators: exercise.generatorsSource,
            probes: exercise.probesSource,
            rules: exercise.rules,
            tests: exercise.tests.map { t in
                switch t.input {
                case .literal(let args, let kwargs): Test(name: t.name, args: args, kwargs: kwargs)
                case .generated(let f, let seed, let p):
                    Test(name: t.name, args: [], kwargs: [:], generate: Generate(function: f, seed: seed, parameters: p))
                case .probe(let name, let args): Test(name: t.name, args: args, kwargs: [:], probe: name)
                }
            },
            argumentPreviewBytes: previewBytes)
    }
}
