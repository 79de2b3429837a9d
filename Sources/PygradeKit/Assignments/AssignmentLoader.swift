import Foundation

/// Reads an assignment file:
///
/// ```yaml
/// name: Week 3, strings
/// gradescope_hidden: after_due_date   # optional
/// exercises:
///   - reverse                         # its own points and limits
///   - id: anagrams
///     points: 30
///     limits: {time: 0.5, memory: 128, output: 4096, budget: 5}
/// ```
///
/// Every problem, the exercises it names included, is a DefinitionError
/// naming the file and, where it has one, the line.
public enum AssignmentLoader {
    static let keys: Set<String> = ["name", "exercises", "gradescope_hidden"]
    static let entryKeys: Set<String> = ["id", "points", "limits"]

    public static func load(_ path: String, catalog: ExerciseCatalog) throws(DefinitionError) -> Assignment {
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), isDir.boolValue {
            throw DefinitionError(file: path, "a folder, not an assignment file")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw DefinitionError(file: path, "missing or unreadable") }
        guard let text = String(data: data, encoding: .utf8) else { throw DefinitionError(file: path, "not UTF-8") }
        let doc = try YAMLDocument(file: path, text: text)
        var assignment = try parse(doc, catalog: catalog)
        assignment.sha256 = Digest.hex(Digest.sha256([UInt8](data)))
        return assignment
    }

    static func parse(_ doc: YAMLDocument, catalog: ExerciseCatalog) throws(DefinitionError) -> Assignment {
        let top = try doc.mapping("the assignment", allowed: keys)
        guard let nameNode = top["name"] else { throw doc.fail("missing required key 'name'") }
        guard let list = top["exercises"] else { throw doc.fail("missing required key 'exercises'") }
        let items = try list.sequence("exercises")
        guard !items.isEmpty else { throw list.fail("an assignment needs at least one exercise") }
        var entries: [Assignment.Entry] = []
        for item in items {
            let entry = try self.entry(item, catalog: catalog)
            guard !entries.contains(where: { $0.id == entry.id }) else { throw item.fail("exercise '\(entry.id)' is listed twice") }
            entries.append(entry)
        }
        var hidden: GradescopeReport.Visibility?
        if let node = top["gradescope_hidden"] {
            let s = try node.string("gradescope_hidden")
            guard let v = GradescopeReport.Visibility(rawValue: s) else {
                let known = GradescopeReport.Visibility.allCases.map(\.rawValue).joined(separator: ", ")
                throw node.fail("gradescope_hidden must be one of \(known), not '\(s)'")
            }
            hidden = v
        }
        return Assignment(
            name: try nameNode.string("name"), file: doc.file, sha256: "", entries: entries, gradescopeHidden: hidden)
    }

    /// `- reverse`, or `- {id: reverse, points: 10, limits: {...}}`.
    private static func entry(_ item: YAMLDocument, catalog: ExerciseCatalog) throws(DefinitionError) -> Assignment.Entry {
        let idNode: YAMLDocument
        var entry: Assignment.Entry
        if item.node.scalar != nil {
            idNode = item
            entry = Assignment.Entry(id: try item.string("an exercise id"))
        } else {
            guard item.node.mapping != nil else { throw item.fail("each exercise must be an id or a mapping with 'id'") }
            let m = try item.mapping("an exercise", allowed: entryKeys)
            guard let node = m["id"] else { throw item.fail("an exercise needs an 'id'") }
            idNode = node
            entry = Assignment.Entry(id: try node.string("id"))
            entry.points = try m["points"]?.number("points", in: Exercise.pointsRange)
            if let l = m["limits"] { entry.limits = try LimitOverrides(l) }
        }
        guard catalog.exercise(entry.id) != nil else {
            throw idNode.fail("unknown exercise '\(entry.id)' (known: \(catalog.exercises.map(\.id).joined(separator: ", ")))")
        }
        return entry
    }
}
