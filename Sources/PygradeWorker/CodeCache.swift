import PygradeKit

/// The marshalled code of the last submission this worker compiled.
///
/// A submission that is one file holding every exercise's function is
/// graded by one child per exercise; only the first compiles it, the others
/// load its code (marshal is about a third of a compile's time and page
/// faults in a fresh child). The code comes from that first child before any
/// candidate code ran there (the 'K' frame is only taken as its first
/// frame), and it is keyed by the exact source and filename, so it only ever
/// serves the submission it was compiled from.
final class CodeCache {
    private var key: [UInt8] = []
    private var code: [UInt8]?

    static func key(filename: String, source: [UInt8]) -> [UInt8] {
        Digest.sha256(Array(filename.utf8) + [0] + source)
    }

    /// The code compiled from exactly this source, if any. Any other
    /// submission empties the cache.
    func code(for key: [UInt8]) -> [UInt8]? {
        if key != self.key {
            self.key = key
            code = nil
        }
        return code
    }

    func store(_ code: [UInt8], for key: [UInt8]) {
        guard key == self.key else { return }
        self.code = code
    }
}
