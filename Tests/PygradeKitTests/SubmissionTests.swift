import Foundation
import Testing

@testable import PygradeKit

@Suite("Submissions and fixtures")
struct SubmissionTests {
    @Test func refusesWhatIsNotPythonSource() {
        let tmp = TemporaryFolder()
        let cases: [(String, [UInt8], String)] = [
            ("nul.py", Array("x = 1\0\n".utf8), "NUL bytes"),
            ("latin.py", [0x78, 0x3d, 0xe9, 0x0a], "not UTF-8"),
            ("big.py", Array(repeating: UInt8(ascii: "#"), count: 2000), "size limit"),
        ]
        for (name, bytes, problem) in cases {
            let path = tmp.write(name, bytes: bytes).path
            #expect { try Submission.load(path, maxBytes: 1000, exerciseIDs: []) } throws: { error in
                "\(error)".hasPrefix(path) && "\(error)".contains(problem)
            }
        }
        #expect { try Submission.load(tmp.url.path + "/absent.py", exerciseIDs: []) } throws: { "\($0)".contains("no such file") }
    }

    @Test func acceptsADeclaredEncodingAndEmptyFiles() throws {
        let tmp = TemporaryFolder()
        let latin = tmp.write("latin.py", bytes: Array("# -*- coding: latin-1 -*-\n".utf8) + [0x78, 0x3d, 0x22, 0xe9, 0x22, 0x0a])
        _ = try Submission.load(latin.path, exerciseIDs: [])
        let empty = try Submission.load(tmp.write("empty.py", "").path, exerciseIDs: [])
        #expect(empty.files.values.first == [])
    }

    @Test func folderSubmissionsPreferTheExerciseFile() throws {
        let tmp = TemporaryFolder()
        tmp.write("cand/flatten.py", "A = 1\n")
        tmp.write("cand/solution.py", "B = 1\n")
        tmp.write("cand/notes.txt", "ignored")
        let s = try Submission.load(tmp.url.appendingPathComponent("cand").path, exerciseIDs: ["flatten", "duplicates"])
        #expect(Set(s.files.keys) == ["flatten.py", "solution.py"])
        let ex = try ExerciseLoader.load(
            folder: tmp.exercise("flatten", definition: "id: flatten\ntitle: T\nentry: f\ntests:\n  - name: a\n"))
        #expect(s.source(for: ex)?.filename == "flatten.py")
        #expect(s.source(for: ex)?.moduleName == "flatten")
    }

    @Test func fixturesDeclareTheirStatuses() throws {
        let tmp = TemporaryFolder()
        let f = tmp.write("a.py", "# a comment\n# expect: duplicates=passed reverse=runtime_error|time_limit_exceeded\n")
        let fixture = try Fixture.load(f.path)
        #expect(fixture.exerciseIDs == ["duplicates", "reverse"])
        #expect(fixture.expectations[1].statuses == [.runtimeError, .timeLimitExceeded])
        tmp.write("empty.py", "")
        tmp.write("empty.py.expect", "expect: flatten=missing\n")
        #expect(try Fixture.load(tmp.url.appendingPathComponent("empty.py").path).exerciseIDs == ["flatten"])
        let bad = tmp.write("bad.py", "# expect: flatten=great\n")
        #expect { try Fixture.load(bad.path) } throws: { "\($0)".contains("unknown status 'great'") }
    }
}
