import Foundation

/// What the reference solution returned for each test, computed through the
/// same sandbox, cached on disk by the exercise folder's hash.
public struct ExpectedResults: Sendable {
    public var encoded: [[UInt8]]
    public var values: [PyValue]
    /// Per test: the `==`-digest of the value, when it has one.
    public var digests: [[UInt8]?]
    /// The reference's CPU time per test, for `check`'s margin rule.
    public var referenceCPUms: [Double]
    /// Per test, for list values: the element digests, sorted and without
    /// repeats (the unordered checker's fast path).
    public var elementDigests: [[ElementDigest]?]

    public init(encoded: [[UInt8]], referenceCPUms: [Double]) throws(ValueCodec.DecodeError) {
        self.encoded = encoded
        self.referenceCPUms = referenceCPUms
        var values: [PyValue] = []
        for e in encoded { values.append(try ValueCodec.decode(e)) }
        self.values = values
        digests = encoded.map { Digest.value($0) }
        elementDigests = encoded.map { Digest.elements($0).map(Checker.sortedUnique) }
    }
}

/// A cache file per exercise version: `<id>-<hash>.expected`. The hash
/// covers every file of the exercise and the engine revision, so a stale
/// entry is simply never looked up.
public struct ExpectedStore: Sendable {
    public var directory: URL

    public init(directory: URL = ExpectedStore.defaultDirectory()) {
        self.directory = directory
    }

    public static func defaultDirectory() -> URL {
        let env = ProcessInfo.processInfo.environment
        if let dir = env["PYGRADE_CACHE"], !dir.isEmpty { return URL(fileURLWithPath: dir) }
        if let xdg = env["XDG_CACHE_HOME"], !xdg.isEmpty {
            return URL(fileURLWithPath: xdg).appendingPathComponent("pygrade")
        }
        return FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/pygrade")
    }

    struct Header: Codable {
        var schema: String
        var exercise: String
        var hash: String
        var referenceCPUms: [Double]
    }
    static let schema = "pygrade.expected/1"

    func file(for exercise: Exercise) -> URL {
        directory.appendingPathComponent("\(exercise.id)-\(exercise.hash).expected")
    }

    public func load(_ exercise: Exercise) -> ExpectedResults? {
        guard let data = FileManager.default.contents(atPath: file(for: exercise).path),
            data.count >= 8
        else { return nil }
        let bytes = [UInt8](data)
        var len: UInt64 = 0
        for i in 0..<8 { len |= UInt64(bytes[i]) << (8 * UInt64(i)) }
        guard len == UInt64(bytes.count - 8), let m = Message.parse(Array(bytes[8...])),
            let h = try? m.decode(Header.self),
            h.schema == ExpectedStore.schema, h.hash == exercise.hash, h.exercise == exercise.id,
            m.blobs.count == exercise.tests.count, h.referenceCPUms.count == exercise.tests.count
        else { return nil }
        return try? ExpectedResults(encoded: m.blobs, referenceCPUms: h.referenceCPUms)
    }

    /// Written to a temporary file and renamed: readers never see half a file.
    public func save(_ exercise: Exercise, _ results: ExpectedResults) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let header = Header(
            schema: ExpectedStore.schema, exercise: exercise.id, hash: exercise.hash, referenceCPUms: results.referenceCPUms)
        let body = try Message(header, blobs: results.encoded).serialized()
        var out: [UInt8] = []
        Message.append(UInt64(body.count), to: &out)
        out += body
        let target = file(for: exercise)
        let tmp = directory.appendingPathComponent(".\(target.lastPathComponent).\(getpid()).tmp")
        try Data(out).write(to: tmp)
        guard rename(tmp.path, target.path) == 0 else {
            let error = SystemError("rename \(tmp.path)")
            unlink(tmp.path)
            throw error
        }
    }
}
