import Foundation

/// Reads `Exercises/<id>/`: `exercise.yaml` (the definition), `prompt.md`,
/// `starter.py`, `reference.py`, and optionally `generators.py` (seeded
/// builders of large inputs) and `probes.py` (behavioural probes).
public enum ExerciseLoader {
    public static let definitionName = "exercise.yaml"
    static let requiredFiles = ["prompt.md", "starter.py", "reference.py"]

    /// Bumped whenever the engine's semantics change, so that cached expected
    /// results computed by an older engine are never reused.
    public static let engineRevision = "pygrade-engine/2"

    /// The keys each part of exercise.yaml may hold (docs/exercise-format.md
    /// documents each; a test holds the two to the same list).
    public static let definitionKeys: Set<String> = [
        "id", "title", "entry", "points", "checker", "inputs_immutable", "fresh_result", "limits", "rules", "tests",
    ]
    public static let limitKeys = LimitOverrides.keys
    public static let ruleKeys: Set<String> = [
        "id", "message", "penalty", "forbid_names", "forbid_attributes", "forbid_slice_step", "forbid_imports",
    ]
    public static let testKeys: Set<String> = [
        "name", "weight", "visibility", "hint", "args", "kwargs", "generate", "probe", "checker", "time",
    ]
    /// Besides these, `generate` holds the generator's own parameters.
    public static let generateKeys: Set<String> = ["function", "seed"]

    public static func load(folder: URL) throws(DefinitionError) -> Exercise {
        let definition = folder.appendingPathComponent(definitionName)
        let file = definition.path
        guard let data = FileManager.default.contents(atPath: file) else {
            throw DefinitionError(file: file, "missing or unreadable")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw DefinitionError(file: file, "not UTF-8") }
        let doc = try YAMLDocument(file: file, text: text)
        var exercise = try parse(doc, folder: folder)
        for name in requiredFiles where !FileManager.default.fileExists(atPath: folder.appendingPathComponent(name).path) {
            throw DefinitionError(
                file: folder.appendingPathComponent(name).path, "missing (every exercise needs \(requiredFiles.joined(separator: ", ")))")
        }
        guard let reference = FileManager.default.contents(atPath: folder.appendingPathComponent("reference.py").path) else {
            throw DefinitionError(file: folder.appendingPathComponent("reference.py").path, "unreadable")
        }
        exercise.referenceSource = Array(reference)
        exercise.generatorsSource = try optionalText(folder.appendingPathComponent("generators.py"))
        exercise.probesSource = try optionalText(folder.appendingPathComponent("probes.py"))
        let usesGenerators = exercise.tests.contains { if case .generated = $0.input { true } else { false } }
        if usesGenerators && exercise.generatorsSource == nil {
            throw DefinitionError(file: file, "tests use 'generate' but generators.py is missing")
        }
        let usesProbes = exercise.tests.contains { if case .probe = $0.input { true } else { false } }
        if usesProbes && exercise.probesSource == nil {
            throw DefinitionError(file: file, "tests use 'probe' but probes.py is missing")
        }
        exercise.hash = try folderHash(folder)
        return exercise
    }

    private static func optionalText(_ url: URL) throws(DefinitionError) -> String? {
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        guard let data = FileManager.default.contents(atPath: url.path), let s = String(data: data, encoding: .utf8) else {
            throw DefinitionError(file: url.path, "unreadable or not UTF-8")
        }
        return s
    }

    /// SHA-256 over the engine revision and every file's relative path and bytes.
    public static func folderHash(_ folder: URL) throws(DefinitionError) -> String {
        var h = Digest.Hasher()
        h.update(engineRevision)
        let base = folder.standardizedFileURL.path
        let files = (FileManager.default.enumerator(atPath: base)?.compactMap { $0 as? String } ?? []).sorted()
        for rel in files {
            let path = base + "/" + rel
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue else { continue }
            if rel.hasSuffix(".pyc") || rel.contains("__pycache__") { continue }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw DefinitionError(file: path, "unreadable")
            }
            h.update("\u{0}\(rel)\u{0}\(data.count)\u{0}")
            h.update(data)
        }
        return Digest.hex(h.finalize())
    }

    static func parse(_ doc: YAMLDocument, folder: URL) throws(DefinitionError) -> Exercise {
        let top = try doc.mapping("the definition", allowed: definitionKeys)
        func required(_ key: String) throws(DefinitionError) -> YAMLDocument {
            guard let v = top[key] else { throw doc.fail("missing required key '\(key)'") }
            return v
        }
        let id = try required("id").string("id")
        let folderName = folder.standardizedFileURL.lastPathComponent
        guard id == folderName else { throw try required("id").fail("id '\(id)' must match its folder name '\(folderName)'") }
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw try required("id").fail("id may hold letters, digits, - and _ only")
        }
        let entry = try required("entry").string("entry")
        guard entry.first.map({ $0.isLetter || $0 == "_" }) == true, entry.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
            throw try required("entry").fail("entry must be a Python identifier")
        }
        let checker = try top["checker"].map { node throws(DefinitionError) in try checkerKind(node) } ?? .exact
        var limits = Limits()
        if let l = top["limits"] { limits = try LimitOverrides(l).applied(to: limits) }
        var rules: [Rule] = []
        if let r = top["rules"] {
            for item in try r.sequence("rules") { rules.append(try rule(item)) }
        }
        var tests: [TestCase] = []
        var names: Set<String> = []
        for item in try required("tests").sequence("tests") {
            let t = try test(item)
            guard names.insert(t.name).inserted else { throw item.fail("duplicate test name '\(t.name)'") }
            tests.append(t)
        }
        guard !tests.isEmpty else { throw try required("tests").fail("an exercise needs at least one test") }
        return Exercise(
            id: id,
            title: try required("title").string("title"),
            entry: entry,
            points: try top["points"]?.number("points", in: Exercise.pointsRange) ?? 20,
            checker: checker,
            inputsImmutable: try top["inputs_immutable"]?.bool("inputs_immutable") ?? false,
            freshResult: try top["fresh_result"]?.bool("fresh_result") ?? false,
            limits: limits,
            rules: rules,
            tests: tests,
            folder: folder.standardizedFileURL,
            definitionFile: folder.appendingPathComponent(definitionName).standardizedFileURL,
            hash: "",
            referenceSource: []
        )
    }

    private static func checkerKind(_ node: YAMLDocument) throws(DefinitionError) -> CheckerKind {
        let s = try node.string("checker")
        guard let k = CheckerKind(rawValue: s) else {
            throw node.fail("unknown checker '\(s)' (known: \(CheckerKind.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        return k
    }

    private static func rule(_ node: YAMLDocument) throws(DefinitionError) -> Rule {
        let m = try node.mapping("a rule", allowed: ruleKeys)
        guard let id = m["id"], let message = m["message"] else { throw node.fail("a rule needs 'id' and 'message'") }
        let r = Rule(
            id: try id.string("rule id"),
            message: try message.string("rule message"),
            penalty: try m["penalty"]?.number("rule penalty", in: 0...1) ?? 1,
            forbidNames: try m["forbid_names"]?.strings("forbid_names") ?? [],
            forbidAttributes: try m["forbid_attributes"]?.strings("forbid_attributes") ?? [],
            forbidSliceStep: try m["forbid_slice_step"]?.bool("forbid_slice_step") ?? false,
            forbidImports: try m["forbid_imports"]?.strings("forbid_imports") ?? []
        )
        if r.forbidNames.isEmpty && r.forbidAttributes.isEmpty && !r.forbidSliceStep && r.forbidImports.isEmpty {
            throw node.fail("rule '\(r.id)' forbids nothing")
        }
        return r
    }

    private static func test(_ node: YAMLDocument) throws(DefinitionError) -> TestCase {
        let m = try node.mapping("a test", allowed: testKeys)
        guard let nameNode = m["name"] else { throw node.fail("a test needs a 'name'") }
        let name = try nameNode.string("test name")
        var visibility = Visibility.hidden
        if let v = m["visibility"] {
            let s = try v.string("visibility")
            guard let parsed = Visibility(rawValue: s) else { throw v.fail("visibility must be 'hidden' or 'visible'") }
            visibility = parsed
        }
        // A probe takes `args` of its own (after the entry point), so only
        // literal arguments and a generator exclude each other and a probe.
        let sources = ["args", "generate", "probe"].filter { m[$0] != nil && !($0 == "args" && m["probe"] != nil) }
        guard sources.count <= 1 else { throw node.fail("test '\(name)': use one of args, generate, probe") }
        if let k = m["kwargs"], m["generate"] != nil || m["probe"] != nil {
            throw k.fail("test '\(name)': kwargs go with args only (a generator returns all the arguments; a probe takes args)")
        }
        var lines = TestLines(test: node.line)
        let input: TestInput
        if let g = m["generate"] {
            guard let gm = g.node.mapping else { throw g.fail("generate must be a mapping") }
            var function: String?
            var seed = 0
            var parameters: [String: GeneratorParameter] = [:]
            for (k, v) in gm {
                let key = k.scalar?.string ?? ""
                let vd = YAMLDocument(file: node.file, node: v)
                switch key {
                case "function":
                    function = try vd.string("generate.function")
                    lines.function = vd.line
                case "seed": seed = try vd.integer("generate.seed", in: 0...Int(Int32.max))
                default:
                    guard let scalar = v.scalar else { throw vd.fail("generator parameter '\(key)' must be a scalar") }
                    if let b = v.bool, ["true", "false"].contains(scalar.string) {
                        parameters[key] = .bool(b)
                    } else if let i = v.int {
                        parameters[key] = .int(i)
                    } else if let d = v.float, scalar.style == .plain {
                        parameters[key] = .double(d)
                    } else {
                        parameters[key] = .string(scalar.string)
                    }
                }
            }
            guard let function else { throw g.fail("generate needs a 'function'") }
            input = .generated(function: function, seed: seed, parameters: parameters)
        } else if let p = m["probe"] {
            input = .probe(name: try p.string("probe"), args: try m["args"]?.strings("args") ?? [])
            lines.function = p.line
            lines.args = try m["args"]?.sequence("args").map(\.line) ?? []
        } else {
            var kwargs: [String: String] = [:]
            if let k = m["kwargs"] {
                guard let km = k.node.mapping else {
                    throw k.fail("test '\(name)': kwargs must be a mapping of names to Python expressions")
                }
                for (key, value) in km {
                    let v = YAMLDocument(file: node.file, node: value)
                    guard let keyName = key.scalar?.string, !keyName.isEmpty else {
                        throw YAMLDocument(file: node.file, node: key).fail("test '\(name)': a kwargs name must be a non-empty string")
                    }
                    kwargs[keyName] = try v.string("a kwargs value")
                    lines.kwargs[keyName] = v.line
                }
            }
            input = .literal(args: try m["args"]?.strings("args") ?? [], kwargs: kwargs)
            lines.args = try m["args"]?.sequence("args").map(\.line) ?? []
        }
        return TestCase(
            name: name,
            weight: try m["weight"]?.number("weight", in: 0...1000) ?? 1,
            visibility: visibility,
            hint: try m["hint"]?.string("hint") ?? "general",
            input: input,
            checker: try m["checker"].map { c throws(DefinitionError) in try checkerKind(c) },
            timeSeconds: try m["time"]?.number("time", in: 0.01...600),
            lines: lines
        )
    }
}
