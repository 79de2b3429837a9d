/// The little-endian integers children write (pg_put_u32 in child_frames.c):
/// read here and nowhere else in the worker.
enum LittleEndian {
    /// The u32 in the first four bytes of `bytes` (which must hold four).
    static func u32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        let b = bytes.startIndex
        return UInt32(bytes[b]) | UInt32(bytes[b + 1]) << 8 | UInt32(bytes[b + 2]) << 16 | UInt32(bytes[b + 3]) << 24
    }
}
