import CJobChild
import CPygradeSupport

/// The frames a child writes on its result channel (child_frames.c): u32
/// little-endian length of (kind + secret + head + body), the kind byte,
/// the child's secret, the rest. Bytes are counted as they arrive, against
/// a cap for the whole job: what a child sends is candidate-controlled, and
/// neither this worker nor the orchestrator may grow with it. Which frame
/// may come where is not its business (ChildFrames, CompileFrames); whether
/// a frame is the harness's at all is: only the harness holds the secret.
struct FrameReader {
    /// The bytes of the secret every frame carries after its kind
    /// (pygrade_protocol.h).
    static let secretBytes = Int(PG_FRAME_SECRET_BYTES)

    /// The largest frame and the most bytes in all this reader takes
    /// (secrets included: the callers' figures are of heads and bodies).
    let maxFrame: Int
    let maxTotal: Int
    /// Longer than this, a frame's length is no frame's at all (the harness
    /// never sends more than the result limit): forged, not a flood.
    let maxPossible: Int
    /// The secret this child was given (ChildSpawn): a frame without it was
    /// not written by the harness.
    let secret: [UInt8]
    private(set) var received = 0
    private var buffer: [UInt8] = []
    private var pos = 0

    /// Draws a fresh secret (getrandom) into `raw`, a C job's `secret`
    /// (pg_job, pg_compile_job: a fixed array), right before the fork: on
    /// the stack, so that the child inherits no heap copy of it. False if
    /// the kernel gave none.
    static func draw<Raw>(into raw: inout Raw) -> Bool {
        withUnsafeMutableBytes(of: &raw) { bytes in
            precondition(bytes.count == secretBytes, "a frame secret is \(secretBytes) bytes")
            return pg_frame_secret_draw(bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)) == 0
        }
    }

    /// The bytes of a secret drawn by `draw`, for the reader (after the fork).
    static func bytes<Raw>(of raw: Raw) -> [UInt8] { withUnsafeBytes(of: raw) { Array($0) } }

    /// `frames`: how many frames the job may send in all, each of which
    /// carries the secret on top of `maxTotal`. `received`: what earlier
    /// children of the same job sent.
    init(secret: [UInt8], maxFrame: Int, maxTotal: Int, maxPossible: Int, frames: Int, received: Int = 0) {
        precondition(secret.count == FrameReader.secretBytes, "a frame secret is \(FrameReader.secretBytes) bytes")
        self.secret = secret
        self.maxFrame = maxFrame + FrameReader.secretBytes
        self.maxTotal = maxTotal + FrameReader.secretBytes * frames
        self.maxPossible = max(maxPossible, maxFrame) + FrameReader.secretBytes
        self.received = received
    }

    enum Next {
        /// A whole frame with the child's secret: its kind and what follows
        /// the secret.
        case frame(kind: UInt8, body: ArraySlice<UInt8>)
        /// Not a whole frame yet.
        case more
        /// A length no frame has (shorter than kind and secret, or past
        /// anything the harness sends).
        case malformed
        /// A frame longer than the job may send at once: a flood, judged
        /// from its header before its bytes arrive.
        case tooLong
        /// A frame without the child's secret: the candidate's, or a header
        /// of the candidate's whose length swallows the harness's next
        /// frames. Judged as soon as the secret's bytes are in.
        case forged
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
        guard len >= 1 + FrameReader.secretBytes, len <= maxPossible else { return .malformed }
        guard len <= maxFrame else { return .tooLong }
        let secretStart = pos + 5
        let bodyStart = secretStart + FrameReader.secretBytes
        guard buffer.count >= bodyStart else { return compact() }
        guard signed(buffer[secretStart..<bodyStart]) else { return .forged }
        guard buffer.count - pos - 4 >= len else { return compact() }
        let kind = buffer[pos + 4]
        let body = buffer[bodyStart..<(pos + 4 + len)]
        pos += 4 + len
        return .frame(kind: kind, body: body)
    }

    /// Whether `bytes` are the secret, compared in full whatever differs
    /// first (a forged frame ends the child anyway: no oracle, but no
    /// reason for an early exit either).
    private func signed(_ bytes: ArraySlice<UInt8>) -> Bool {
        var difference: UInt8 = 0
        for (a, b) in zip(bytes, secret) { difference |= a ^ b }
        return difference == 0
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
