import Foundation

/// What similarity reads: the candidates of a folder, listed and read as a
/// batch lists and reads them (nothing followed, the same size limit), and
/// what every candidate starts from.
public enum SimilarityInput {
    /// The candidates of `directory`, named by their entry in it; those that
    /// cannot be read are left out, with why.
    public static func documents(
        in directory: String, exerciseIDs: [String], maxBytes: Int = Submission.defaultMaxBytes, known: Bool = false
    ) throws(ResultsFileError) -> (documents: [Similarity.Document], problems: [SubmissionError]) {
        var documents: [Similarity.Document] = []
        var problems: [SubmissionError] = []
        for path in try BatchCandidates.list(directory) {
            do {
                let s = try Submission.load(path, maxBytes: maxBytes, exerciseIDs: exerciseIDs, followingPath: false)
                documents.append(Similarity.Document(name: BatchCandidates.id(path, in: directory), submission: s, isKnown: known))
            } catch {
                problems.append(error)
            }
        }
        return (documents, problems)
    }

    /// Each exercise's starter code and reference.
    public static func base(_ catalog: ExerciseCatalog) -> [[UInt8]] {
        catalog.exercises.flatMap { e -> [[UInt8]] in
            let starter = FileManager.default.contents(atPath: e.folder.appendingPathComponent("starter.py").path)
            return [e.referenceSource] + (starter.map { [[UInt8]($0)] } ?? [])
        }
    }
}
