import Crypto
import Foundation
import PygradeKit

/// A private copy of `CatalogHash.of` (helper API's, in
/// Sources/PygradeService/CatalogHash.swift) until the branches merge: the
/// coordinator replaces every use with `CatalogHash.of` and deletes this.
enum NodeCatalogHash {
    /// SHA-256 (lowercase hex) over each exercise's `"<id>=<hash>\n"`, in id order.
    static func of(_ catalog: ExerciseCatalog) -> String {
        var text = ""
        for exercise in catalog.exercises.sorted(by: { $0.id < $1.id }) {
            text += "\(exercise.id)=\(exercise.hash)\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
