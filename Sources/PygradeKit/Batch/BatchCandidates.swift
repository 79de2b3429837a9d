import Foundation

/// The candidates of a batch: each `.py` file, notebook (`.ipynb`) and each folder directly in
/// DIR, sorted by name. Hidden entries and other regular files are not
/// candidates, nor is `assignment.yaml`, whatever it is (the batch's
/// assignment, read from there unless `--assignment` names another). DIR
/// itself may be a symbolic link (the operator named it); its entries are
/// looked at without following any: one that is a symbolic
/// link, a device, a FIFO or a socket is listed, so that it gets an error
/// record (Submission.load refuses it) rather than being read or silently
/// left out.
public enum BatchCandidates {
    public static func list(_ directory: String) throws(ResultsFileError) -> [String] {
        var st = stat()
        guard stat(directory, &st) == 0 else { throw ResultsFileError(path: directory, "no such folder") }
        guard EntryKind(mode: st.st_mode) == .folder else { throw ResultsFileError(path: directory, "not a folder of candidates") }
        let entries: [OpenFolder.Entry]
        let folder: OpenFolder
        do {
            folder = try OpenFolder(directory, following: true)
            entries = try folder.entries()
        } catch {
            throw ResultsFileError(path: directory, "folder is not readable")
        }
        let base = folderPrefix(directory)
        var out: [String] = []
        for entry in entries where !entry.name.hasPrefix(".") && entry.name != Assignment.fileName {
            let path = base + entry.name
            switch try? folder.kind(of: entry) {
            case .folder?: out.append(path)
            case .regular?: if entry.name.hasSuffix(".py") || Notebook.isNotebook(entry.name) { out.append(path) }
            // Anything else, or an entry that cannot even be looked at, gets its error record.
            default: out.append(path)
            }
        }
        return out
    }

    /// A candidate's id: its name in the batch folder (`ana.py`, `bob`), as
    /// `list` made its path; any other path stays whole.
    public static func id(_ path: String, in directory: String) -> String {
        let base = folderPrefix(directory)
        return path.hasPrefix(base) && path.count > base.count ? String(path.dropFirst(base.count)) : path
    }

    /// `DIR/`, however many slashes DIR was written with.
    private static func folderPrefix(_ directory: String) -> String {
        var base = directory
        while base.count > 1 && base.hasSuffix("/") { base.removeLast() }
        return base == "/" ? "/" : base + "/"
    }
}
