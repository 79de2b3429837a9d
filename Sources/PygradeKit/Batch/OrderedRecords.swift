import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A results file's records in the candidates' order (as `BatchCandidates`
/// lists them), not in the order they were graded (threads finish in any
/// order, and a resumed batch appends): the CSV and HTML reports list them
/// so, the same on every run. It keeps a path and an offset per record,
/// and reads each record again when its turn comes.
public enum OrderedRecords {
    /// Each candidate's last record, in `candidates`' order, then the last
    /// record of any other submission in the file (a candidate since
    /// removed from the folder), in file order.
    public static func forEach(in path: String, candidates: [String], _ body: (BatchRecord) throws -> Void) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw ResultsFileError(path: path, "cannot open (\(String(cString: strerror(errno))))") }
        defer { close(fd) }
        var last: [String: (offset: Int, length: Int)] = [:]
        var reader = LineReader(fd: fd)
        while let line = reader.next() {
            guard line.terminated, let head = try? JSONDecoder().decode(BatchRecord.Head.self, from: Data(line.bytes)) else { continue }
            last[head.submission] = (line.offset, line.bytes.count)
        }
        if let e = reader.readError { throw e }

        func record(_ at: (offset: Int, length: Int)) throws -> BatchRecord? {
            var bytes = [UInt8](repeating: 0, count: at.length)
            var done = 0
            while done < at.length {
                let n = try retryingOnInterrupt("read \(path)") {
                    bytes[done...].withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at.offset + done)) }
                }
                guard n > 0 else { throw ResultsFileError(path: path, "changed while it was read") }
                done += n
            }
            return BatchRecord.parse(bytes)
        }
        var seen = Set<String>()
        for candidate in candidates where seen.insert(candidate).inserted {
            if let at = last[candidate], let r = try record(at) { try body(r) }
        }
        for (submission, at) in last.sorted(by: { $0.value.offset < $1.value.offset }) where !seen.contains(submission) {
            if let r = try record(at) { try body(r) }
        }
    }
}
