/// Submissions that arrive as bytes (the service's requests) rather than as
/// paths: the same rules as `Submission.load`, the same code for them.
extension Submission {
    /// Which files of a folder are graded, and which one is the shared file
    /// (for exercises without a `<id>.py`), from its entry names: `sources`
    /// are its regular, non-hidden `.py` files, `present` every entry's name.
    /// A folder that names nothing gradable is bad input, never a silent 0.
    static func folderChoice(
        sources: [String], present: Set<String>, exerciseIDs: [String], path: String
    ) throws(SubmissionError) -> (shared: String?, wanted: Set<String>) {
        let named = Set(exerciseIDs.map { "\($0).py" })
        var shared = Submission.sharedNames.first { present.contains($0) }
        if shared == nil && present.isDisjoint(with: named) {
            // Nothing is named for grading: the only .py file is, or the
            // folder is bad input (never a silent 0 on every exercise).
            switch sources.count {
            case 0:
                throw SubmissionError(
                    path: path, present.isEmpty ? "the folder is empty: no .py file to grade" : "the folder holds no .py file to grade")
            case 1:
                shared = sources[0]
            default:
                let listed = sources.prefix(5).joined(separator: ", ") + (sources.count > 5 ? ", …" : "")
                throw SubmissionError(
                    path: path,
                    "\(sources.count) .py files (\(listed)) and none is \(Submission.sharedNames.joined(separator: ", ")) or "
                        + "<exercise>.py: cannot tell which file to grade")
            }
        } else if shared == nil && sources.count == 1 {
            // A folder holding one exercise's file alone: it is the folder's
            // only source, graded for the other exercises too (as that file
            // given by itself would be).
            shared = sources[0]
        }
        return (shared, named.union(shared.map { [$0] } ?? []))
    }

    /// One file's text, graded and reported under `name`.
    public init(name: String, source: [UInt8], maxBytes: Int = defaultMaxBytes) throws(SubmissionError) {
        try Submission.checkText(source, path: name, maxBytes: maxBytes)
        self.init(path: name, isFolder: false, files: [name: source])
    }

    /// A folder given as file name to bytes, reported as `path`. Names are
    /// plain file names (no `/`, no `.` or `..`, no NUL): they never become
    /// paths on any disk, but a name that looks like one is refused anyway.
    public init(
        folder path: String, files given: [String: [UInt8]], exerciseIDs: [String], maxBytes: Int = defaultMaxBytes
    ) throws(SubmissionError) {
        for name in given.keys.sorted() where !Submission.isPlainFileName(name) {
            throw SubmissionError(path: path, "'\(name)' is not a plain file name")
        }
        let sources = given.keys.sorted().filter { $0.hasSuffix(".py") && !$0.hasPrefix(".") }
        let (shared, wanted) = try Submission.folderChoice(
            sources: sources, present: Set(given.keys), exerciseIDs: exerciseIDs, path: path)
        var files: [String: [UInt8]] = [:]
        var total = 0
        let folder = path.hasSuffix("/") ? path : path + "/"
        for name in given.keys.sorted() where wanted.contains(name) {
            let bytes = given[name] ?? []
            try Submission.checkText(bytes, path: folder + name, maxBytes: maxBytes)
            total += bytes.count
            guard total <= maxBytes else {
                throw SubmissionError(path: path, "the folder's sources exceed the size limit of \(maxBytes) bytes")
            }
            files[name] = bytes
        }
        self.init(path: path, isFolder: true, files: files, shared: shared)
    }

    /// A name one folder entry could have.
    public static func isPlainFileName(_ name: String) -> Bool {
        !name.isEmpty && name != "." && name != ".." && name.utf8.count <= 255 && !name.contains("/") && !name.contains("\u{0}")
    }
}
