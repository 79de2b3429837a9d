import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Reads a file one line at a time, in constant memory: results files are
/// streamed, never loaded whole.
public struct LineReader: Sequence, IteratorProtocol {
    /// A line without its "\n", and where it starts in the file.
    public struct Line {
        public var bytes: ArraySlice<UInt8>
        public var offset: Int
        /// False for a last line that has no "\n" (a torn write).
        public var terminated: Bool
    }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var position = 0
    private var bufferOffset = 0
    private var eof = false
    /// Set when reading failed: what came before it is not the whole file.
    public private(set) var readError: SystemError?

    /// Owns nothing: the caller closes `fd`.
    public init(fd: Int32) { self.fd = fd }

    public mutating func next() -> Line? {
        while true {
            if let nl = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Line(bytes: buffer[position..<nl], offset: bufferOffset + position, terminated: true)
                position = nl + 1
                return line
            }
            if eof {
                guard position < buffer.count else { return nil }
                let line = Line(bytes: buffer[position...], offset: bufferOffset + position, terminated: false)
                position = buffer.count
                return line
            }
            // Drop what was consumed, then read more.
            bufferOffset += position
            buffer.removeFirst(position)
            position = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            let n = chunk.withUnsafeMutableBytes { p in
                (try? retryingOnInterrupt("read") { read(fd, p.baseAddress, p.count) }) ?? -1
            }
            if n < 0 { readError = SystemError("read") }
            if n <= 0 {
                eof = true
            } else {
                buffer += chunk[0..<n]
            }
        }
    }
}
