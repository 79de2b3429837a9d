import Foundation
import PygradeKit

/// A request's submission, built in memory by PygradeKit's own rules: one
/// file graded and reported under its `filename` (default `submission.py`),
/// or a folder reported as `submission/`. Nothing of it touches the disk.
enum NodeSubmission {
    static let defaultFilename = "submission.py"
    static let folderName = "submission/"

    static func make(_ request: SubmissionRequest, exerciseIDs: [String], maxBytes: Int) throws(SubmissionError) -> Submission {
        switch (request.source, request.files) {
        case (let source?, nil):
            let name = request.filename ?? defaultFilename
            guard Submission.isPlainFileName(name) else {
                throw SubmissionError(path: defaultFilename, "the filename is not a plain file name")
            }
            return try Submission(name: name, source: Array(source.utf8), maxBytes: maxBytes)
        case (nil, let files?):
            return try Submission(
                folder: folderName, files: files.mapValues { Array($0.utf8) }, exerciseIDs: exerciseIDs, maxBytes: maxBytes)
        default:
            throw SubmissionError(path: defaultFilename, "a request needs exactly one of source and files")
        }
    }
}
