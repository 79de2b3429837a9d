import Foundation

/// A submission under `Fixtures/` that declares the statuses it must get,
/// DMOJ style, on a comment line of its own:
///
///     # expect: duplicates=passed flatten=runtime_error|time_limit_exceeded
///
/// A folder fixture declares them in `expect.txt`; a file that must stay
/// byte-for-byte as it is (the empty file) in a sidecar `<name>.expect`.
///
/// A fixture that must not be graded at all, but refused as bad input
/// (bad input: exit 2, one line naming the file or the entry), declares
/// instead, optionally with text that line must hold:
///
///     expect: refused anagrams.py: a symbolic link, not a regular file
public struct Fixture: Sendable {
    public var path: String
    /// Exercise id to the statuses it may get (usually one); empty for a
    /// fixture that must be refused.
    public var expectations: [(exercise: String, statuses: Set<ExerciseStatus>)]
    /// Set when the fixture must be refused as bad input: the text its
    /// one-line error must hold (empty: any refusal).
    public var refusal: String?

    public var exerciseIDs: [String] { expectations.map(\.exercise) }

    static let marker = "expect:"
    static let refusedMarker = "refused"

    public static func load(_ path: String) throws(DefinitionError) -> Fixture {
        var isDir: ObjCBool = false
        FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
        let sidecar = path + ".expect"
        let declaring =
            FileManager.default.fileExists(atPath: sidecar)
            ? sidecar : isDir.boolValue ? (path as NSString).appendingPathComponent("expect.txt") : path
        guard let data = FileManager.default.contents(atPath: declaring) else {
            throw DefinitionError(file: declaring, "unreadable (a fixture declares its statuses with '# expect: id=status ...')")
        }
        let text = String(decoding: data, as: UTF8.self)
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).prefix(20).enumerated() {
            var body = line.trimmingCharacters(in: .whitespaces)
            if body.hasPrefix("#") { body = String(body.dropFirst()).trimmingCharacters(in: .whitespaces) }
            guard body.hasPrefix(marker) else { continue }
            let declared = body.dropFirst(marker.count).trimmingCharacters(in: .whitespaces)
            // `refused` has no `=`, so no list of statuses reads as one.
            if declared == refusedMarker || declared.hasPrefix(refusedMarker + " ") {
                let text = declared.dropFirst(refusedMarker.count).trimmingCharacters(in: .whitespaces)
                return Fixture(path: path, expectations: [], refusal: text)
            }
            let items = declared.split(separator: " ", omittingEmptySubsequences: true)
            var expectations: [(String, Set<ExerciseStatus>)] = []
            for item in items {
                let parts = item.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw DefinitionError(file: declaring, line: n + 1, "'\(item)' is not of the form exercise=status")
                }
                var statuses = Set<ExerciseStatus>()
                for s in parts[1].split(separator: "|") {
                    guard let status = ExerciseStatus(rawValue: String(s)) else {
                        throw DefinitionError(file: declaring, line: n + 1, "unknown status '\(s)'")
                    }
                    statuses.insert(status)
                }
                expectations.append((String(parts[0]), statuses))
            }
            guard !expectations.isEmpty else { throw DefinitionError(file: declaring, line: n + 1, "declares no status") }
            return Fixture(path: path, expectations: expectations, refusal: nil)
        }
        throw DefinitionError(
            file: declaring, "declares no statuses (add a line '# expect: exercise=status ...', or '# expect: refused')")
    }

    /// Every entry of a folder that is a `.py` file, a notebook or a folder, sorted.
    public static func paths(in folder: String) throws(DefinitionError) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw DefinitionError(file: folder, "not a readable folder")
        }
        return names.sorted().compactMap { name in
            guard !name.hasPrefix(".") else { return nil }
            let p = (folder as NSString).appendingPathComponent(name)
            var isDir: ObjCBool = false
            FileManager.default.fileExists(atPath: p, isDirectory: &isDir)
            return isDir.boolValue || name.hasSuffix(".py") || Notebook.isNotebook(name) ? p : nil
        }
    }
}
