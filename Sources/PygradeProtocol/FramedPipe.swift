import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A message between the orchestrator and a worker: a JSON header and raw
/// binary blobs (sources, encoded values), so large values are never base64'd.
///
/// Wire: u32 header length, header, u32 blob count, then per blob a u64
/// length and its bytes. All little-endian.
public struct Message: Sendable {
    public var header: [UInt8]
    public var blobs: [[UInt8]]

    public init(header: [UInt8], blobs: [[UInt8]] = []) {
        self.header = header
        self.blobs = blobs
    }

    public init<T: Encodable>(_ value: T, blobs: [[UInt8]] = []) throws {
        self.header = Array(try JSONEncoder().encode(value))
        self.blobs = blobs
    }

    public func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(header))
    }

    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + header.count + blobs.reduce(0) { $0 + 8 + $1.count })
        Message.append(UInt32(header.count), to: &out)
        out += header
        Message.append(UInt32(blobs.count), to: &out)
        for b in blobs {
            Message.append(UInt64(b.count), to: &out)
            out += b
        }
        return out
    }

    package static func append<I: FixedWidthInteger>(_ v: I, to out: inout [UInt8]) {
        withUnsafeBytes(of: v.littleEndian) { out += $0 }
    }

    public static func parse(_ bytes: [UInt8]) -> Message? {
        var pos = 0
        func int<I: FixedWidthInteger>(_: I.Type) -> I? {
            let n = MemoryLayout<I>.size
            guard bytes.count - pos >= n else { return nil }
            var v: I = 0
            for i in 0..<n { v |= I(bytes[pos + i]) << (8 * i) }
            pos += n
            return v
        }
        func take(_ n: Int) -> [UInt8]? {
            guard n >= 0, bytes.count - pos >= n else { return nil }
            defer { pos += n }
            return Array(bytes[pos..<pos + n])
        }
        guard let hl = int(UInt32.self), let header = take(Int(hl)), let count = int(UInt32.self) else { return nil }
        var blobs: [[UInt8]] = []
        for _ in 0..<count {
            guard let l = int(UInt64.self), l <= UInt64(Int.max), let b = take(Int(l)) else { return nil }
            blobs.append(b)
        }
        return pos == bytes.count ? Message(header: header, blobs: blobs) : nil
    }
}

/// Blocking, length-prefixed messages over a pair of file descriptors.
public struct FramedPipe {
    public let readFD: Int32
    public let writeFD: Int32
    /// Refuses frames larger than this (a corrupted length would otherwise
    /// ask for gigabytes).
    public var maxFrame = 1 << 30

    public init(readFD: Int32, writeFD: Int32) {
        self.readFD = readFD
        self.writeFD = writeFD
    }

    public func send(_ message: Message) throws(ProtocolError) {
        let body = message.serialized()
        var frame: [UInt8] = []
        frame.reserveCapacity(8 + body.count)
        Message.append(UInt64(body.count), to: &frame)
        frame += body
        try FramedPipe.writeAll(writeFD, frame)
    }

    /// nil at a clean end of stream.
    public func receive() throws(ProtocolError) -> Message? {
        guard let lenBytes = try FramedPipe.readExactly(readFD, 8) else { return nil }
        var len: UInt64 = 0
        for i in 0..<8 { len |= UInt64(lenBytes[i]) << (8 * UInt64(i)) }
        guard len <= UInt64(maxFrame) else { throw ProtocolError(.tooLarge, "frame of \(len) bytes") }
        guard let body = try FramedPipe.readExactly(readFD, Int(len)) else { throw ProtocolError(.truncated, "read") }
        guard let m = Message.parse(body) else { throw ProtocolError(.malformedFrame, "malformed frame") }
        return m
    }

    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(ProtocolError) {
        var off = 0
        while off < bytes.count {
            let n: Int
            do {
                n = try retryingOnInterrupt("write") {
                    bytes.withUnsafeBytes { raw in write(fd, raw.baseAddress! + off, raw.count - off) }
                }
            } catch { throw ProtocolError(error) }
            off += n
        }
    }

    /// nil when the stream ends before the first byte.
    public static func readExactly(_ fd: Int32, _ count: Int) throws(ProtocolError) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            let n: Int
            do {
                n = try retryingOnInterrupt("read") {
                    out.withUnsafeMutableBytes { raw in read(fd, raw.baseAddress! + got, count - got) }
                }
            } catch { throw ProtocolError(error) }
            if n == 0 {
                if got == 0 { return nil }
                throw ProtocolError(.truncated, "read")
            }
            got += n
        }
        return out
    }
}
