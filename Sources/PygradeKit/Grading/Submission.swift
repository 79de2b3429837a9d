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
}

/// One candidate's code: a `.py` file holding any of the entry points, or a
/// folder holding `<id>.py` files and/or one `solution.py` (SPEC §2).
public struct Submission: Sendable {
    public static let defaultMaxBytes = 1 << 20

    public var path: String
    public var isFolder: Bool
    /// SHA-256 of the file, or of the folder's graded files (names and bytes).
    public var sha256: String
    /// File name to bytes: the graded `.py` files only.
    public var files: [String: [UInt8]]

    public init(path: String, isFolder: Bool, files: [String: [UInt8]]) {
        self.path = path
        self.isFolder = isFolder
        self.files = files
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
        for name in ["\(exercise.id).py", "solution.py"] {
            if let bytes = files[name] { return (name, Submission.moduleName(name), bytes) }
        }
        return nil
    }

    /// Loaded as a module of this name, never `__main__`: a candidate's
    /// `if __name__ == "__main__":` demo code does not run.
    static func moduleName(_ file: String) -> String {
        let stem = file.hasSuffix(".py") ? String(file.dropLast(3)) : file
        let ok = stem.first.map { $0.isLetter || $0 == "_" } == true && stem.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
        return ok && stem != "__main__" ? stem : "solution"
    }

    public static func load(_ path: String, maxBytes: Int = defaultMaxBytes, exerciseIDs: [String]) throws(SubmissionError) -> Submission {
        var st = stat()
        guard stat(path, &st) == 0 else {
            throw SubmissionError(path: path, errno == ENOENT ? "no such file or folder" : String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var files: [String: [UInt8]] = [:]
            var total = 0
            let wanted = Set(exerciseIDs.map { "\($0).py" } + ["solution.py"])
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw SubmissionError(path: path, "folder is not readable")
            }
            for name in names.sorted() where wanted.contains(name) {
                let bytes = try readSource((path as NSString).appendingPathComponent(name), maxBytes: maxBytes)
                total += bytes.count
                guard total <= maxBytes else {
                    throw SubmissionError(path: path, "the folder's sources exceed the size limit of \(maxBytes) bytes")
                }
                files[name] = bytes
            }
            return Submission(path: path, isFolder: true, files: files)
        }
        let bytes = try readSource(path, maxBytes: maxBytes)
        return Submission(path: path, isFolder: false, files: [(path as NSString).lastPathComponent: bytes])
    }

    static func readSource(_ path: String, maxBytes: Int) throws(SubmissionError) -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw SubmissionError(path: path, String(cString: strerror(errno))) }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw SubmissionError(path: path, "not a regular file") }
        guard Int(st.st_size) <= maxBytes else {
            throw SubmissionError(path: path, "\(st.st_size) bytes is over the size limit of \(maxBytes) bytes")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw SubmissionError(path: path, "not readable (\(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        // Read one byte past the limit: a file that grew since stat() is caught too.
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        guard data.count <= maxBytes else { throw SubmissionError(path: path, "over the size limit of \(maxBytes) bytes") }
        let bytes = [UInt8](data)
        if bytes.contains(0) { throw SubmissionError(path: path, "binary content (NUL bytes), not Python source") }
        if String(validating: bytes, as: UTF8.self) == nil && !declaresEncoding(bytes) {
            throw SubmissionError(path: path, "not UTF-8 text (and no PEP 263 coding line)")
        }
        return bytes
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
