import Crypto
import Foundation
import PygradeKit

/// What a job's `exercisesSHA256` means: one hash of the whole catalog a
/// node holds, so that a worker with other exercises (or other versions of
/// them) refuses a job rather than grading it against other tests.
public enum CatalogHash {
    /// SHA-256 (lowercase hex) over each exercise's `"<id>=<hash>\n"`, in id
    /// order: the exercise hash already covers every file of its folder and
    /// the engine, so the order of loading cannot change the result.
    public static func of(_ catalog: ExerciseCatalog) -> String {
        var text = ""
        for exercise in catalog.exercises.sorted(by: { $0.id < $1.id }) {
            text += "\(exercise.id)=\(exercise.hash)\n"
        }
        return hex(SHA256.hash(data: Data(text.utf8)))
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
