import Foundation

/// A submission that cannot be graded at all: one line naming the file.
public struct SubmissionError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }

    /// The problem as a batch error record states it, whose `submission` is
    /// already the candidate: an entry inside the candidate is still named,
    /// relative to it (`duplicates.py: a symbolic link, not a regular file`).
    public func problem(within candidate: String) -> String {
        if path == candidate { return problem }
        let folder = candidate.hasSuffix("/") ? candidate : candidate + "/"
        return path.hasPrefix(folder) ? "\(path.dropFirst(folder.count)): \(problem)" : description
    }
}

/// One candidate's code: a `.py` file holding any of the entry points, or a
/// folder. In a folder, an exercise is graded from `<id>.py`, else from
/// `solution.py`, else `main.py`, else the folder's only `.py` file whatever
/// its name (an LMS download: `Name_123_assignsubmission_file_/hw1.py`).
public struct Submission: Sendable {
    public static let defaultMaxBytes = 1 << 20
    /// The names a folder's file for every exercise may have, in the order
    /// they are looked for (after `<id>.py`, before the only `.py` file).
    public static let sharedNames = ["solution.py", "main.py"]

    public var path: String
    public var isFolder: Bool
    /// SHA-256 of the file, or of the folder's graded files (names and bytes).
    public var sha256: String
    /// File name to bytes: the graded `.py` files only.
    public var files: [String: [UInt8]]
    /// In a folder: the file graded for an exercise without a `<id>.py` of
    /// its own (nil when there is none: such an exercise is `missing`).
    public var shared: String?
    /// IPython magics and shell escapes taken out of its notebooks
    /// (Notebook): the report says how many.
    public var notebookRemoved = 0

    /// `shared`: by default the first of `sharedNames` among `files`.
    public init(path: String, isFolder: Bool, files: [String: [UInt8]], shared: String? = nil) {
        self.path = path
        self.isFolder = isFolder
        self.files = files
        self.shared = shared ?? Submission.sharedNames.first { files[$0] != nil }
        var h = Digest.Hasher()
        if isFolder {
            for name in files.keys.sorted() {
                h.update("\u{0}\(name)\u{0}\(files[name]!.count)\u{0}")
                h.update(files[name]!)
            }
        } else {
            h.update(files.values.first ?? [])
        }
        sha256 = Digest.hex(h.finalize())
    }

    /// The file graded for an exercise, with the module name it loads under.
    public func source(for exercise: Exercise) -> (filename: String, moduleName: String, bytes: [UInt8])? {
        if !isFolder, let (name, bytes) = files.first { return (name, Submission.moduleName(name), bytes) }
        for name in ["\(exercise.id).py", shared].compactMap({ $0 }) {
            if let bytes = files[name] { return (name, Submission.moduleName(name), bytes) }
        }
        return nil
    }

    /// Why a folder has no file for an exercise (its `missing` message).
    public func missingFile(for exercise: Exercise) -> String {
        "the folder has no \(exercise.id).py, \(Submission.sharedNames.joined(separator: " or ")), "
            + "and more than one other .py file"
    }

    /// Loaded as a module of this name, never `__main__`: a candidate's
    /// `if __name__ == "__main__":` demo code does not run.
    static func moduleName(_ file: String) -> String {
        let stem = file.hasSuffix(".py") ? String(file.dropLast(3)) : file
        let ok = stem.first.map { $0.isLetter || $0 == "_" } == true && stem.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return ok && stem != "__main__" ? stem : "solution"
    }

    /// Reads a submission: a `.py` file, or a folder of them.
    ///
    /// The orchestrator reads submissions outside any sandbox, so nothing
    /// inside one is followed: a folder whose `duplicates.py` is a symbolic
    /// link to `reference.py` or to a secret would otherwise be graded on
    /// that file's text. Any entry of a submission folder that is a symbolic
    /// link, a device, a FIFO or a socket is refused, graded file or not
    /// (one rule is easier to trust than a list of the names that are read);
    /// sub-folders are neither read nor looked into. Files are opened with
    /// `O_NOFOLLOW | O_NONBLOCK` relative to the folder's descriptor, checked
    /// with `fstat` on the descriptor and read from it, so an entry swapped
    /// between the check and the read is still caught.
    ///
    /// `followingPath`: whether `path` itself may be a symbolic link. It may
    /// when an operator typed it (`grade`); a batch candidate, found in a
    /// folder, may not.
    public static func load(
        _ path: String, maxBytes: Int = defaultMaxBytes, exerciseIDs: [String], followingPath: Bool = true
    ) throws(SubmissionError) -> Submission {
        let expected = "not a regular file or a folder"
        // A look before opening, so that a device is refused without being opened.
        var st = stat()
        guard (followingPath ? stat(path, &st) : lstat(path, &st)) == 0 else {
            throw SubmissionError(path: path, errno == ENOENT ? "no such file or folder" : String(cString: strerror(errno)))
        }
        let kind = EntryKind(mode: st.st_mode)
        guard kind == .regular || kind == .folder else { throw SubmissionError(path: path, "\(kind.phrase), \(expected)") }
        let fd: Int32
        do {
            fd = try retryingOnInterrupt("open") { open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | (followingPath ? 0 : O_NOFOLLOW)) }
        } catch {
            throw SubmissionError(path: path, openProblem(error, expected: expected))
        }
        // What the descriptor is decides, whatever the path names by now.
        guard fstat(fd, &st) == 0 else {
            let problem = "not readable (\(String(cString: strerror(errno))))"
            close(fd)
            throw SubmissionError(path: path, problem)
        }
        switch EntryKind(mode: st.st_mode) {
        case .folder:
            return try loadFolder(OpenFolder(adopting: fd), path: path, maxBytes: maxBytes, exerciseIDs: exerciseIDs)
        case .regular:
            defer { close(fd) }
            let bytes = try readSource(fd, path: path, maxBytes: maxBytes)
            let name = (path as NSString).lastPathComponent
            guard Notebook.isNotebook(name) else { return Submission(path: path, isFolder: false, files: [name: bytes]) }
            let code = try Notebook.python(bytes, path: path)
            try checkText(code.source, path: path, maxBytes: maxBytes)
            var s = Submission(path: path, isFolder: false, files: [name: code.source])
            s.notebookRemoved = code.removed
            return s
        case let other:
            close(fd)
            throw SubmissionError(path: path, "\(other.phrase), \(expected)")
        }
    }

    static func loadFolder(_ folder: OpenFolder, path: String, maxBytes: Int, exerciseIDs: [String]) throws(SubmissionError) -> Submission {
        let entries: [OpenFolder.Entry]
        do { entries = try folder.entries() } catch { throw SubmissionError(path: path, "folder is not readable") }
        func entryPath(_ e: OpenFolder.Entry) -> String { (path as NSString).appendingPathComponent(e.name) }
        // Every entry first, hidden ones included: the folder is refused
        // before anything of it is read.
        var sources: [String] = []
        var notebooks: [String] = []
        for entry in entries {
            let kind: EntryKind
            do { kind = try folder.kind(of: entry) } catch {
                throw SubmissionError(path: entryPath(entry), "not readable (\(String(cString: strerror(error.code))))")
            }
            guard kind == .regular || kind == .folder else {
                throw SubmissionError(path: entryPath(entry), "\(kind.phrase), not a regular file")
            }
            // Hidden files (`._hw1.py`, what macOS leaves in an archive) are no candidate's source.
            if kind == .regular && entry.name.hasSuffix(".py") && !entry.name.hasPrefix(".") { sources.append(entry.name) }
            if kind == .regular && Notebook.isNotebook(entry.name) && !entry.name.hasPrefix(".") { notebooks.append(entry.name) }
        }
        // A notebook stands for the .py file of its name (`solution.ipynb`
        // for `solution.py`); both at once is bad input.
        var notebookFor: [String: String] = [:]
        for notebook in notebooks {
            let py = String(notebook.dropLast(Notebook.fileExtension.count)) + ".py"
            if sources.contains(py) {
                throw SubmissionError(path: path, "both \(py) and \(notebook): cannot tell which to grade")
            }
            notebookFor[py] = notebook
            sources.append(py)
        }
        sources.sort()
        let (shared, wanted) = try folderChoice(
            sources: sources, present: Set(entries.map(\.name)).union(notebookFor.keys), exerciseIDs: exerciseIDs, path: path)
        let graded = Dictionary(uniqueKeysWithValues: wanted.map { (notebookFor[$0] ?? $0, $0) })
        var removed = 0
        var files: [String: [UInt8]] = [:]
        var total = 0
        for entry in entries {
            guard let key = graded[entry.name] else { continue }
            let fd: Int32
            do { fd = try folder.openForReading(entry) } catch {
                throw SubmissionError(path: entryPath(entry), openProblem(error, expected: "not a regular file"))
            }
            defer { close(fd) }
            let bytes = try readSource(fd, path: entryPath(entry), maxBytes: maxBytes)
            total += bytes.count
            guard total <= maxBytes else {
                throw SubmissionError(path: path, "the folder's sources exceed the size limit of \(maxBytes) bytes")
            }
            if Notebook.isNotebook(entry.name) {
                let code = try Notebook.python(bytes, path: entryPath(entry))
                try checkText(code.source, path: entryPath(entry), maxBytes: maxBytes)
                files[key] = code.source
                removed += code.removed
            } else {
                files[key] = bytes
            }
        }
        var s = Submission(path: path, isFolder: true, files: files, shared: shared)
        s.notebookRemoved = removed
        return s
    }

    /// Why an open failed, in the words of a refusal. `ELOOP` is
    /// `O_NOFOLLOW` meeting a symbolic link (one swapped in after the look).
    static func openProblem(_ error: SystemError, expected: String) -> String {
        switch error.code {
        case ELOOP: "\(EntryKind.symbolicLink.phrase), \(expected)"
        case ENOENT: "no such file or folder"
        default: "not readable (\(String(cString: strerror(error.code))))"
        }
    }

    /// The name a submission read from standard input (`grade -`) goes by.
    public static let standardInputName = "<stdin>"
    /// The path argument that names standard input (`grade -`).
    public static let standardInputArgument = "-"

    /// `grade -`: the submission is standard input (a pipe, a file, a
    /// terminal), read to its end under the same size limit and UTF-8 rules
    /// as a file. An empty input is an empty file: graded, every exercise
    /// `missing`.
    public static func loadStandardInput(maxBytes: Int = defaultMaxBytes) throws(SubmissionError) -> Submission {
        let bytes = try readSource(0, path: standardInputName, maxBytes: maxBytes, anyKind: true)
        return Submission(path: standardInputName, isFolder: false, files: [standardInputName: bytes])
    }

    /// The source in a file open as `fd`: it must be a regular file (asked
    /// of the descriptor, not of a path) within the size limit; with
    /// `anyKind` (standard input) a pipe or a terminal will do.
    static func readSource(_ fd: Int32, path: String, maxBytes: Int, anyKind: Bool = false) throws(SubmissionError) -> [UInt8] {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw SubmissionError(path: path, "not readable (\(String(cString: strerror(errno))))") }
        let kind = EntryKind(mode: st.st_mode)
        guard kind == .regular || anyKind else { throw SubmissionError(path: path, "\(kind.phrase), not a regular file") }
        guard kind != .regular || Int(st.st_size) <= maxBytes else {
            throw SubmissionError(path: path, "\(st.st_size) bytes is over the size limit of \(maxBytes) bytes")
        }
        // Up to one byte past the limit: a file that grew since fstat() is caught too.
        var bytes: [UInt8] = []
        if kind == .regular { bytes.reserveCapacity(Int(st.st_size)) }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count <= maxBytes {
            let n: Int
            do {
                n = try retryingOnInterrupt("read") { chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) } }
            } catch {
                throw SubmissionError(path: path, "not readable (\(String(cString: strerror(error.code))))")
            }
            if n == 0 { break }
            bytes += chunk[0..<n]
        }
        try checkText(bytes, path: path, maxBytes: maxBytes)
        return bytes
    }

    /// What every source must be, however it came: within the size limit,
    /// no NUL byte, UTF-8 unless a coding line says otherwise.
    static func checkText(_ bytes: [UInt8], path: String, maxBytes: Int) throws(SubmissionError) {
        guard bytes.count <= maxBytes else { throw SubmissionError(path: path, "over the size limit of \(maxBytes) bytes") }
        if bytes.contains(0) { throw SubmissionError(path: path, "binary content (NUL bytes), not Python source") }
        if String(validating: bytes, as: UTF8.self) == nil && !declaresEncoding(bytes) {
            throw SubmissionError(path: path, "not UTF-8 text (and no PEP 263 coding line)")
        }
    }

    /// A PEP 263 `coding:` comment on line 1 or 2 makes other encodings legal.
    static func declaresEncoding(_ bytes: [UInt8]) -> Bool {
        let head = bytes.prefix(400).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).prefix(2)
        return head.contains { line in
            let s = String(decoding: line, as: UTF8.self)
            return s.trimmingCharacters(in: .whitespaces).hasPrefix("#")
                && s.range(of: #"coding[:=]\s*[-\w.]+"#, options: .regularExpression) != nil
        }
    }
}
