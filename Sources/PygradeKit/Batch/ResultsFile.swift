import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A results file that cannot be used: one line naming it (exit 2).
public struct ResultsFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var problem: String
    public init(path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}

/// What resume knows of the last record of a submission.
public struct ResumeEntry: Sendable, Equatable {
    public var sha256: String?
    public var exercisesSHA256: String?
    /// The assignment's file hash (nil: graded without one).
    public var assignmentSHA256: String?
    public var isError: Bool
    /// The record's line number (0-based), for compaction.
    public var line: Int
}

/// The batch's JSON Lines file of records. Every record is appended whole with
/// one write and then synced, under a lock, so a `kill -9` at any moment
/// leaves whole lines, but for the last one: the kernel may stop a write of
/// more than a page part-way for a fatal signal, and a machine crash can tear
/// it too. `resume` cuts such a line off. An flock keeps two batches off one file.
public final class ResultsFile: @unchecked Sendable {
    public let path: String
    private var fd: Int32
    private let lock = NSLock()
    /// The last record of each submission found in the file by `resume`
    /// (records appended since are not added: memory stays flat in a batch).
    public private(set) var index: [String: ResumeEntry] = [:]
    /// Submissions of `index` that got a new record in this run.
    private var regraded: Set<String> = []
    /// Some submission has more than one record (a regrade): `finish` compacts.
    public private(set) var hasSuperseded = false
    /// Bytes of a torn last line removed by `resume`.
    public private(set) var repairedBytes = 0
    private var lineCount = 0

    private init(path: String, fd: Int32) {
        self.path = path
        self.fd = fd
    }

    deinit { if fd >= 0 { close(fd) } }

    /// A new results file. One that already holds results is refused: they
    /// are never overwritten.
    public static func create(_ path: String) throws(ResultsFileError) -> ResultsFile {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultsFileError(path: path, "cannot create (\(String(cString: strerror(errno))))") }
        let file = ResultsFile(path: path, fd: fd)
        try file.lockExclusively()
        var st = stat()
        if fstat(fd, &st) == 0 && st.st_size > 0 {
            throw ResultsFileError(path: path, "already holds results: pass --resume to continue it, or choose another --out")
        }
        return file
    }

    /// An existing results file to continue (or a new one). Every whole line
    /// must be a pygrade record, else the file is refused and left untouched;
    /// a torn last line is cut off.
    public static func resume(_ path: String) throws(ResultsFileError) -> ResultsFile {
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw ResultsFileError(path: path, "cannot open (\(String(cString: strerror(errno))))") }
        let file = ResultsFile(path: path, fd: fd)
        try file.lockExclusively()
        var reader = LineReader(fd: fd)
        var tornAt: Int?
        while let line = reader.next() {
            guard line.terminated else {
                // Only a prefix of what we write can be a torn record of ours.
                let marker = Array("{\"schema\":\"pygrade.".utf8)
                let n = min(marker.count, line.bytes.count)
                guard line.bytes.prefix(n).elementsEqual(marker.prefix(n)) else {
                    throw ResultsFileError(path: path, "the last line is not a pygrade record; not a results file pygrade wrote")
                }
                tornAt = line.offset
                break
            }
            guard let head = try? JSONDecoder().decode(BatchRecord.Head.self, from: Data(line.bytes)),
                head.schema == Report.schemaID || head.schema == BatchErrorRecord.schemaID
            else {
                throw ResultsFileError(path: path, "line \(file.lineCount + 1) is not a pygrade record; not a results file pygrade wrote")
            }
            file.remember(head)
        }
        if let e = reader.readError { throw ResultsFileError(path: path, "cannot read (\(e))") }
        if let tornAt {
            var st = stat()
            _ = fstat(fd, &st)
            guard ftruncate(fd, off_t(tornAt)) == 0, fsync(fd) == 0 else {
                throw ResultsFileError(path: path, "cannot repair the torn last line (\(String(cString: strerror(errno))))")
            }
            file.repairedBytes = Int(st.st_size) - tornAt
        }
        return file
    }

    private func lockExclusively() throws(ResultsFileError) {
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            throw ResultsFileError(path: path, "in use by another pygrade batch")
        }
    }

    private func remember(_ head: BatchRecord.Head) {
        if index[head.submission] != nil { hasSuperseded = true }
        index[head.submission] = ResumeEntry(
            sha256: head.sha256, exercisesSHA256: head.grader?.exercisesSHA256, assignmentSHA256: head.assignment?.sha256,
            isError: head.schema == BatchErrorRecord.schemaID, line: lineCount)
        lineCount += 1
    }

    /// Appends one record whole, then syncs it to disk. Thread-safe.
    public func append(_ record: BatchRecord) throws {
        let bytes = try record.line()
        let submission = record.submission
        try lock.withLock {
            let start = lseek(fd, 0, SEEK_END)
            var written = 0
            while written < bytes.count {
                do {
                    let n = try retryingOnInterrupt("write \(path)") {
                        bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
                    }
                    guard n > 0 else { throw SystemError("write \(path)") }
                    written += n
                } catch {
                    // Never leave half a record behind us if we can help it.
                    if start >= 0 { _ = ftruncate(fd, start) }
                    throw error
                }
            }
            guard fdatasync(fd) == 0 else { throw SystemError("fdatasync \(path)") }
            if index[submission] != nil {
                regraded.insert(submission)
                hasSuperseded = true
            }
        }
    }

    /// Closes the file; when a submission was regraded, rewrites it with only
    /// its last record (to a temporary file, renamed over: atomic).
    public func finish() throws {
        if fd >= 0 {
            // Compact before unlocking: no other batch can slip in between.
            if hasSuperseded { try compact() }
            close(fd)
            fd = -1
        }
    }

    private func compact() throws {
        let tmp = path + ".compacting-\(getpid())"
        let out = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard out >= 0 else { throw SystemError("open \(tmp)") }
        defer { close(out) }
        guard lseek(fd, 0, SEEK_SET) == 0 else { throw SystemError("lseek \(path)") }
        var reader = LineReader(fd: fd)
        var n = 0
        var buffer: [UInt8] = []
        func flush() throws {
            var off = 0
            while off < buffer.count {
                let w = try retryingOnInterrupt("write \(tmp)") { buffer[off...].withUnsafeBytes { write(out, $0.baseAddress, $0.count) } }
                guard w > 0 else { throw SystemError("write \(tmp)") }
                off += w
            }
            buffer.removeAll(keepingCapacity: true)
        }
        // A record found by `resume` stays if it is its submission's last
        // and was not regraded; a record of this run always stays.
        while let line = reader.next(), line.terminated {
            defer { n += 1 }
            if n < lineCount {
                guard let head = try? JSONDecoder().decode(BatchRecord.Head.self, from: Data(line.bytes)),
                    index[head.submission]?.line == n, !regraded.contains(head.submission)
                else { continue }
            }
            buffer += line.bytes
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count > 1 << 20 { try flush() }
        }
        if let e = reader.readError {
            unlink(tmp)
            throw e
        }
        try flush()
        guard fsync(out) == 0 else { throw SystemError("fsync \(tmp)") }
        guard rename(tmp, path) == 0 else {
            let e = SystemError("rename \(tmp)")
            unlink(tmp)
            throw e
        }
        // The rename itself must survive a crash too.
        let folder = PathText.folder(of: path)
        let dir = open(folder.isEmpty ? "." : folder, O_RDONLY)
        if dir >= 0 {
            fsync(dir)
            close(dir)
        }
        hasSuperseded = false
    }

    /// Streams every record of a results file, in order.
    public static func forEachRecord(in path: String, _ body: (BatchRecord) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultsFileError(path: path, "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var reader = LineReader(fd: fd)
        while let line = reader.next() {
            guard line.terminated, let record = BatchRecord.parse(line.bytes) else { continue }
            try body(record)
        }
        if let e = reader.readError { throw e }
    }
}
