/// A compact binary form for the two messages of every job (the request and
/// the response), which JSON made cost ~0.4 ms per exercise, and over 1 ms on
/// a process's first job. Both ends are this same binary, so the layout is
/// just the fields in order; prepares and hellos stay JSON.
///
/// Adding a field to JobRequest, JobResponse, TestOutcome or JobTiming means
/// adding it here too: BinaryCodecTests counts their fields to say so.
public protocol BinaryCodable {
    func write(to out: inout BinaryWriter)
    init(from input: inout BinaryReader) throws(BinaryReader.Malformed)
}

public struct BinaryWriter {
    /// First byte of a binary header (a JSON header starts with `{`).
    public static let tag: UInt8 = 0xB1
    public private(set) var bytes: [UInt8] = [BinaryWriter.tag]

    public init() {}

    public mutating func int(_ v: Int) { withUnsafeBytes(of: Int64(v).littleEndian) { bytes += $0 } }
    public mutating func double(_ v: Double) { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes += $0 } }
    public mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    public mutating func string(_ v: String) {
        int(v.utf8.count)
        bytes += v.utf8
    }
    public mutating func optional<T>(_ v: T?, _ write: (inout BinaryWriter, T) -> Void) {
        bool(v != nil)
        if let v { write(&self, v) }
    }
    public mutating func array<T>(_ v: [T], _ write: (inout BinaryWriter, T) -> Void) {
        int(v.count)
        for e in v { write(&self, e) }
    }
}

public struct BinaryReader {
    /// A message that does not parse is a protocol fault like any other
    /// (ProtocolError.Code.malformed); the name stays for the codecs
    /// written against it (the worker's, the tests').
    public typealias Malformed = ProtocolError

    private let bytes: [UInt8]
    private var pos = 1

    public init(_ bytes: [UInt8]) throws(Malformed) {
        guard bytes.first == BinaryWriter.tag else { throw ProtocolError(.malformed, "not a binary message") }
        self.bytes = bytes
    }

    public var atEnd: Bool { pos == bytes.count }

    private mutating func take(_ n: Int) throws(Malformed) -> ArraySlice<UInt8> {
        guard n >= 0, bytes.count - pos >= n else { throw ProtocolError(.malformed, "truncated binary message") }
        defer { pos += n }
        return bytes[pos..<pos + n]
    }

    private mutating func u64() throws(Malformed) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in try take(8).enumerated() { v |= UInt64(b) << (8 * UInt64(i)) }
        return v
    }

    public mutating func int() throws(Malformed) -> Int { Int(Int64(bitPattern: try u64())) }
    public mutating func double() throws(Malformed) -> Double { Double(bitPattern: try u64()) }
    public mutating func bool() throws(Malformed) -> Bool { try take(1).first! != 0 }
    public mutating func string() throws(Malformed) -> String { String(decoding: try take(try int()), as: UTF8.self) }
    public mutating func optional<T>(_ read: (inout BinaryReader) throws(Malformed) -> T) throws(Malformed) -> T? {
        try bool() ? try read(&self) : nil
    }
    public mutating func array<T>(_ read: (inout BinaryReader) throws(Malformed) -> T) throws(Malformed) -> [T] {
        let n = try int()
        guard n >= 0, n <= bytes.count - pos else { throw ProtocolError(.malformed, "bad array length \(n)") }
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try read(&self)) }
        return out
    }
    public mutating func raw<E: RawRepresentable>(_: E.Type) throws(Malformed) -> E where E.RawValue == String {
        let s = try string()
        guard let e = E(rawValue: s) else { throw ProtocolError(.malformed, "unknown \(E.self) '\(s)'") }
        return e
    }
}

extension Message {
    public init(binary value: some BinaryCodable, blobs: [[UInt8]] = []) {
        var w = BinaryWriter()
        value.write(to: &w)
        self.init(header: w.bytes, blobs: blobs)
    }

    public func decodeBinary<T: BinaryCodable>(_: T.Type) throws(BinaryReader.Malformed) -> T {
        var r = try BinaryReader(header)
        let value = try T(from: &r)
        guard r.atEnd else { throw ProtocolError(.malformed, "trailing bytes after \(T.self)") }
        return value
    }
}

extension JobRequest: BinaryCodable {
    public func write(to out: inout BinaryWriter) {
        out.string(exerciseKey)
        out.string(entry)
        out.string(filename)
        out.string(moduleName)
        out.array(tests) { o, t in
            o.double(t.cpuSeconds)
            o.double(t.wallSeconds)
            o.bool(t.digestOK)
            o.bool(t.captureOutput)
            o.int(t.resultBytes)
        }
        out.double(loadCPUSeconds)
        out.double(loadWallSeconds)
        out.int(Int(bitPattern: UInt(memoryBytes)))
        out.int(outputBytes)
        out.int(resultBytes)
        out.bool(checkMutation)
        out.bool(freshResult)
        out.bool(checkRules)
        out.double(wallBudgetSeconds)
        out.bool(fullText)
    }

    public init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
        exerciseKey = try r.string()
        entry = try r.string()
        filename = try r.string()
        moduleName = try r.string()
        tests = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in
            Test(
                cpuSeconds: try r.double(), wallSeconds: try r.double(), digestOK: try r.bool(), captureOutput: try r.bool(),
                resultBytes: try r.int())
        }
        loadCPUSeconds = try r.double()
        loadWallSeconds = try r.double()
        memoryBytes = UInt64(UInt(bitPattern: try r.int()))
        outputBytes = try r.int()
        resultBytes = try r.int()
        checkMutation = try r.bool()
        freshResult = try r.bool()
        checkRules = try r.bool()
        wallBudgetSeconds = try r.double()
        fullText = try r.bool()
    }
}

extension JobResponse: BinaryCodable {
    public func write(to out: inout BinaryWriter) {
        out.string(compile.rawValue)
        out.optional(syntaxLine) { $0.int($1) }
        out.optional(syntaxMessage) { $0.string($1) }
        out.array(ruleHits) { o, h in
            o.string(h.id)
            o.int(h.line)
        }
        out.string(load.rawValue)
        out.optional(loadStatus) { $0.string($1.rawValue) }
        out.optional(loadEnding) { $1.write(to: &$0) }
        out.optional(loadMessage) { $0.string($1) }
        out.array(tests) { o, t in t.write(to: &o) }
        timing.write(to: &out)
        out.optional(internalError) { $0.string($1) }
        out.bool(forged)
        out.array(definedNames) { $0.string($1) }
    }

    public init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
        self.init()
        compile = try r.raw(Compile.self)
        syntaxLine = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.int() }
        syntaxMessage = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        ruleHits = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in
            RuleHit(id: try r.string(), line: try r.int())
        }
        load = try r.raw(Load.self)
        loadStatus = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.raw(TestStatus.self) }
        loadEnding = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try Ending(from: &r) }
        loadMessage = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        tests = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try TestOutcome(from: &r) }
        timing = try JobTiming(from: &r)
        internalError = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        forged = try r.bool()
        definedNames = try r.array { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
    }
}

extension TestOutcome: BinaryCodable {
    public func write(to out: inout BinaryWriter) {
        out.int(index)
        out.string(kind.rawValue)
        out.optional(status) { $0.string($1.rawValue) }
        out.optional(ending) { $1.write(to: &$0) }
        out.optional(blob) { $0.int($1) }
        out.optional(digest) { $0.string($1) }
        out.optional(detail) { $0.string($1) }
        out.bool(inputMutated)
        out.double(cpuMs)
        out.int(peakKiB)
        out.optional(output) { $0.string($1) }
        out.int(outputBytes)
    }

    public init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
        self.init(index: try r.int(), kind: try r.raw(Kind.self))
        status = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.raw(TestStatus.self) }
        ending = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try Ending(from: &r) }
        blob = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.int() }
        digest = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        detail = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        inputMutated = try r.bool()
        cpuMs = try r.double()
        peakKiB = try r.int()
        output = try r.optional { (r: inout BinaryReader) throws(BinaryReader.Malformed) in try r.string() }
        outputBytes = try r.int()
    }
}

extension JobTiming: BinaryCodable {
    public func write(to out: inout BinaryWriter) {
        out.double(compileMs)
        out.double(forkMs)
        out.double(loadMs)
        out.double(testsMs)
        out.double(reapMs)
        out.double(totalMs)
        out.int(children)
    }

    public init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
        self.init()
        compileMs = try r.double()
        forkMs = try r.double()
        loadMs = try r.double()
        testsMs = try r.double()
        reapMs = try r.double()
        totalMs = try r.double()
        children = try r.int()
    }
}

extension Ending: BinaryCodable {
    public func write(to out: inout BinaryWriter) {
        out.int(code.0)
        out.int(code.1)
    }

    public init(from r: inout BinaryReader) throws(BinaryReader.Malformed) {
        let (code, parameter) = (try r.int(), try r.int())
        guard let e = Ending(code: code, parameter: parameter) else { throw ProtocolError(.malformed, "unknown ending \(code)") }
        self = e
    }
}
