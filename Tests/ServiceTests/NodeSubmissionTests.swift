import Foundation
import PygradeKit
import TestSupport
import Testing

@testable import PygradeService

/// A request's files make the same submission as the same files in a folder
/// on disk: `Submission(folder:files:)` and `Submission.load` share the rules.
struct NodeSubmissionTests {
    static let ids = ["reverse", "flatten", "anagrams"]

    /// Folders as name -> text, each graded both ways.
    static let folders: [[String: String]] = [
        ["hw1.py": "def reverse_string(s): return s\n"],
        ["solution.py": "x = 1\n", "reverse.py": "y = 2\n", "notes.txt": "n"],
        ["main.py": "x = 1\n", "other.py": "y = 2\n"],
        ["reverse.py": "x = 1\n"],
        ["reverse.py": "x = 1\n", "flatten.py": "y = 2\n", "helper.py": "z = 3\n"],
        ["._hw1.py": "junk", "hw1.py": "x = 1\n"],
        ["a.py": "x = 1\n", "b.py": "y = 2\n"],
        ["notes.txt": "no python"],
        [:],
        ["solution.py": "x = 1\u{0}\n"],
    ]

    @Test(arguments: folders)
    func theSameAsTheFolderOnDisk(_ files: [String: String]) throws {
        let disk = TemporaryFolder(prefix: "pygrade-node-submission")
        for (name, text) in files { disk.write(name, text) }
        let loaded = Result { () throws(SubmissionError) in try Submission.load(disk.path, exerciseIDs: Self.ids) }
        let built = Result { () throws(SubmissionError) in
            try Submission(folder: disk.path, files: files.mapValues { Array($0.utf8) }, exerciseIDs: Self.ids)
        }
        switch (loaded, built) {
        case (.success(let a), .success(let b)):
            #expect(a.sha256 == b.sha256)
            #expect(a.files == b.files)
            #expect(a.shared == b.shared)
            #expect(a.isFolder && b.isFolder)
        case (.failure(let a), .failure(let b)):
            #expect(a.description == b.description)
        default:
            Issue.record("load: \(loaded), in memory: \(built)")
        }
    }

    @Test func oneSourceIsGradedUnderItsName() throws {
        let s = try NodeSubmission.make(SubmissionRequest(source: "x = 1\n", filename: "ana.py"), exerciseIDs: [], maxBytes: 100)
        #expect(s.path == "ana.py" && !s.isFolder && s.files == ["ana.py": Array("x = 1\n".utf8)])
        let d = try NodeSubmission.make(SubmissionRequest(source: "x = 1\n"), exerciseIDs: [], maxBytes: 100)
        #expect(d.path == "submission.py")
    }

    @Test func namesThatLookLikePathsAndOversizedSourcesAreRefused() {
        for name in ["../x.py", "a/b.py", "", ".", ".."] {
            #expect(throws: SubmissionError.self) { try Submission(folder: "submission/", files: [name: [120]], exerciseIDs: []) }
        }
        #expect(throws: SubmissionError.self) {
            try NodeSubmission.make(SubmissionRequest(source: "x = 1\n", filename: "../evil.py"), exerciseIDs: [], maxBytes: 100)
        }
        #expect(throws: SubmissionError.self) {
            try NodeSubmission.make(SubmissionRequest(source: String(repeating: "x", count: 101)), exerciseIDs: [], maxBytes: 100)
        }
    }
}
