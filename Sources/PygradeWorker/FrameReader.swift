/// The frames a child writes on its result channel (child_frames.c): u32
/// little-endian length of (kind + head + body), the kind byte, the rest.
/// Bytes are counted as they arrive, against a cap for the whole job: what
/// a child sends is candidate-controlled, and neither this worker nor the
/// orchestrator may grow with it. Which frame may come where is not its
/// business (ChildFrames, CompileFrames).
struct FrameReader {
    /// The largest frame and the most bytes in all this reader takes.
    let maxFrame: Int
    let maxTotal: Int
    /// Longer than this, a frame's length is no frame's at all (the harness
    /// never sends more than the result limit): forged, not a flood.
    let maxPossible: Int
    private(set) var received = 0
    private var buffer: [UInt8] = []
    private var pos = 0

    /// `received`: what earlier children of the same job sent.
    init(maxFrame: Int, maxTotal: Int, maxPossible: Int, received: Int = 0) {
        self.maxFrame = maxFrame
        self.maxTotal = maxTotal
        self.maxPossible = max(maxPossible, maxFrame)
        self.received = received
    }

    enum Next {
        case frame(kind: UInt8, body: ArraySlice<UInt8>)
        /// Not a whole frame yet.
        case more
        /// A length no frame has (0, or past anything the harness sends).
        case malformed
        /// A frame longer than the job may send at once: a flood, judged
        /// from its header before its bytes arrive.
        case tooLong
    }

    /// Takes what was read. False once the job has sent more than maxTotal.
    mutating func append(_ bytes: ArraySlice<UInt8>) -> Bool {
        received += bytes.count
        if pos > 0 && pos == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            pos = 0
        }
        buffer += bytes
        return received <= maxTotal
    }

    /// Whether bytes of a frame not yet whole are held: at the end of the
    /// channel they are dropped, and the child is judged by how it ended.
    var unfinished: Bool { buffer.count > pos }

    mutating func next() -> Next {
        guard buffer.count - pos >= 4 else { return compact() }
        let len = Int(LittleEndian.u32(buffer[pos..<pos + 4]))
        guard len >= 1, len <= maxPossible else { return .malformed }
        guard len <= maxFrame else { return .tooLong }
        guard buffer.count - pos - 4 >= len else { return compact() }
        let kind = buffer[pos + 4]
        let body = buffer[(pos + 5)..<(pos + 4 + len)]
        pos += 4 + len
        return .frame(kind: kind, body: body)
    }

    /// Drops what was consumed before waiting for more.
    private mutating func compact() -> Next {
        if pos > 0 {
            buffer.removeFirst(pos)
            pos = 0
        }
        return .more
    }
}
