import PygradeKit

/// What a job's `exercisesSHA256` means: one hash of the whole catalog a
/// node holds, so that a worker with other exercises (or other versions of
/// them) refuses a job rather than grading it against other tests.
public enum CatalogHash {
    /// `ExerciseCatalog.sha256(of:)` in id order, so that the order of
    /// loading cannot change the result.
    public static func of(_ catalog: ExerciseCatalog) -> String {
        ExerciseCatalog.sha256(of: catalog.exercises.sorted { $0.id < $1.id })
    }
}
