import Yams

/// A YAML node that knows its file and line, so every complaint about a
/// definition can say where it is.
struct YAMLDocument {
    let file: String
    let node: Node

    init(file: String, text: String) throws(DefinitionError) {
        self.file = file
        do {
            guard let root = try Yams.compose(yaml: text) else { throw DefinitionError(file: file, "the file is empty") }
            node = root
        } catch let e as DefinitionError {
            throw e
        } catch let e as YamlError {
            throw DefinitionError(file: file, line: YAMLDocument.line(of: e), YAMLDocument.problem(of: e))
        } catch {
            throw DefinitionError(file: file, "\(error)")
        }
    }

    init(file: String, node: Node) {
        self.file = file
        self.node = node
    }

    var line: Int? { node.mark?.line }

    func fail(_ problem: String) -> DefinitionError { DefinitionError(file: file, line: line, problem) }

    func mapping(_ what: String, allowed: Set<String>) throws(DefinitionError) -> [String: YAMLDocument] {
        guard let m = node.mapping else { throw fail("\(what) must be a mapping") }
        var out: [String: YAMLDocument] = [:]
        for (k, v) in m {
            let key = YAMLDocument(file: file, node: k)
            guard let name = k.scalar?.string else { throw key.fail("\(what): keys must be plain names") }
            guard allowed.contains(name) else {
                throw key.fail("\(what): unknown key '\(name)' (known: \(allowed.sorted().joined(separator: ", ")))")
            }
            out[name] = YAMLDocument(file: file, node: v)
        }
        return out
    }

    func sequence(_ what: String) throws(DefinitionError) -> [YAMLDocument] {
        guard let s = node.sequence else { throw fail("\(what) must be a list") }
        return s.map { YAMLDocument(file: file, node: $0) }
    }

    func string(_ what: String) throws(DefinitionError) -> String {
        guard let s = node.scalar?.string, !s.isEmpty else { throw fail("\(what) must be a non-empty string") }
        return s
    }

    func number(_ what: String, in range: ClosedRange<Double>) throws(DefinitionError) -> Double {
        guard let d = node.float, d.isFinite else { throw fail("\(what) must be a number") }
        guard range.contains(d) else { throw fail("\(what) must be between \(range.lowerBound) and \(range.upperBound)") }
        return d
    }

    func integer(_ what: String, in range: ClosedRange<Int>) throws(DefinitionError) -> Int {
        guard let i = node.int else { throw fail("\(what) must be a whole number") }
        guard range.contains(i) else { throw fail("\(what) must be between \(range.lowerBound) and \(range.upperBound)") }
        return i
    }

    func bool(_ what: String) throws(DefinitionError) -> Bool {
        guard let b = node.bool else { throw fail("\(what) must be true or false") }
        return b
    }

    func strings(_ what: String) throws(DefinitionError) -> [String] {
        var out: [String] = []
        for item in try sequence(what) { out.append(try item.string("each item of \(what)")) }
        return out
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _): mark.line
        default: nil
        }
    }

    private static func problem(of error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            if let context { return "\(context.text) \(problem)" }
            return problem
        case .reader(let problem, _, _, _): return "unreadable: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, _): return "duplicated keys: \(duplicates.joined(separator: ", "))"
        default: return "\(error)"
        }
    }
}
