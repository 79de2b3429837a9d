import Foundation

/// The candidates of a batch: each `.py` file and each folder directly in
/// DIR, sorted by name. Hidden entries and other files are not candidates.
public enum BatchCandidates {
    public static func list(_ directory: String) throws(ResultsFileError) -> [String] {
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDir) else {
            throw ResultsFileError(path: directory, "no such folder")
        }
        guard isDir.boolValue else { throw ResultsFileError(path: directory, "not a folder of candidates") }
        let names: [String]
        do { names = try FileManager.default.contentsOfDirectory(atPath: directory) } catch {
            throw ResultsFileError(path: directory, "folder is not readable")
        }
        var base = directory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        var out: [String] = []
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = base == "/" ? "/\(name)" : "\(base)/\(name)"
            var sub: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &sub)
            // An entry that cannot even be stat'ed still gets its error record.
            if sub.boolValue || name.hasSuffix(".py") || !FileManager.default.fileExists(atPath: path) {
                out.append(path)
            }
        }
        return out
    }
}
