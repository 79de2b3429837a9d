import Foundation
import TestSupport
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

    /// `<id>.py`, then solution.py, then main.py, then the only .py file;
    /// a folder with nothing to grade is refused, in one line naming it.
    @Test func foldersAreGradedFromTheFilesPeopleName() throws {
        let tmp = TemporaryFolder()
        let flatten = try ExerciseLoader.load(
            folder: tmp.exercise("flatten", definition: "id: flatten\ntitle: T\nentry: f\ntests:\n  - name: a\n"))
        func graded(_ name: String, _ files: [String]) throws -> String? {
            for f in files { tmp.write("\(name)/\(f)", "x = 1\n") }
            return try Submission.load(tmp.url.appendingPathComponent(name).path, exerciseIDs: ["flatten", "duplicates"])
                .source(for: flatten)?.filename
        }
        #expect(try graded("a", ["flatten.py", "solution.py", "main.py"]) == "flatten.py")
        #expect(try graded("b", ["solution.py", "main.py", "other.py"]) == "solution.py")
        #expect(try graded("c", ["main.py", "other.py"]) == "main.py")
        #expect(try graded("d", ["hw1.py", "notes.txt", "._hw1.py"]) == "hw1.py")
        #expect(try graded("e", ["duplicates.py"]) == "duplicates.py")
        #expect(try graded("f", ["duplicates.py", "helper.py"]) == nil)
        func refusal(_ name: String, _ files: [String]) -> String? {
            tmp.write("\(name)/.keep", "")
            for f in files { tmp.write("\(name)/\(f)", "x = 1\n") }
            let path = tmp.url.appendingPathComponent(name).path
            if files.isEmpty { unlink(path + "/.keep") }
            do {
                _ = try Submission.load(path, exerciseIDs: ["flatten"])
                return nil
            } catch {
                return error.description.hasPrefix(path + ": ") ? String(error.description.dropFirst(path.count + 2)) : error.description
            }
        }
        #expect(refusal("empty", []) == "the folder is empty: no .py file to grade")
        #expect(refusal("notes", ["notes.txt"]) == "the folder holds no .py file to grade")
        #expect(
            refusal("many", ["a.py", "b.py", "c.py", "d.py", "e.py", "f.py"])
                == "6 .py files (a.py, b.py, c.py, d.py, e.py, …) and none is solution.py, main.py or <exercise>.py: "
                + "cannot tell which file to grade")
    }

    @Test func entriesOfAFolderAreNeverFollowed() throws {
        let tmp = TemporaryFolder()
        tmp.write("secret", "KEY=value\n")
        tmp.write("cand/solution.py", "B = 1\n")
        let cand = tmp.url.appendingPathComponent("cand").path
        func refusal(_ path: String = cand, following: Bool = true) -> String? {
            do {
                _ = try Submission.load(path, exerciseIDs: ["flatten"], followingPath: following)
                return nil
            } catch { return error.description }
        }
        #expect(refusal() == nil)
        // A link is refused whether its name is graded, ignored or hidden.
        for name in ["flatten.py", "notes.txt", ".hidden"] {
            symlink(tmp.url.appendingPathComponent("secret").path, "\(cand)/\(name)")
            #expect(refusal() == "\(cand)/\(name): a symbolic link, not a regular file")
            unlink("\(cand)/\(name)")
        }
        #expect(mkfifo("\(cand)/pipe", 0o600) == 0)
        #expect(refusal() == "\(cand)/pipe: a FIFO, not a regular file")
        unlink("\(cand)/pipe")
        // A socket, bound at a path.
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array("\(cand)/sock".utf8.prefix(raw.count - 1))
            raw.copyBytes(from: bytes)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        if bound == 0 {
            #expect(refusal() == "\(cand)/sock: a socket, not a regular file")
            unlink("\(cand)/sock")
        }
        // A graded name that is a folder is not a source; another folder is not looked into.
        tmp.write("cand/flatten.py/inner.py", "A = 1\n")
        #expect(refusal() == "\(cand)/flatten.py: a folder, not a regular file")
        try FileManager.default.removeItem(atPath: "\(cand)/flatten.py")
        tmp.write("cand/__pycache__/x.pyc", "")
        symlink("/etc/passwd", "\(cand)/__pycache__/link")
        #expect(refusal() == nil)

        // The path itself is followed only when the caller says so.
        symlink(cand, tmp.url.appendingPathComponent("linked").path)
        let linked = tmp.url.appendingPathComponent("linked").path
        #expect(refusal(linked) == nil)
        #expect(refusal(linked, following: false) == "\(linked): a symbolic link, not a regular file or a folder")
        // A batch error record names the entry relative to its candidate.
        let error = SubmissionError(path: "\(cand)/flatten.py", "a symbolic link, not a regular file")
        #expect(error.problem(within: cand) == "flatten.py: a symbolic link, not a regular file")
        #expect(SubmissionError(path: cand, "x").problem(within: cand) == "x")
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
        let refused = tmp.write("refused.py", "# expect: refused a symbolic link\n")
        #expect(try Fixture.load(refused.path).refusal == "a symbolic link")
        #expect(try Fixture.load(refused.path).expectations.isEmpty)
        #expect(try Fixture.load(tmp.write("any.py", "# expect: refused\n").path).refusal == "")
        #expect(try Fixture.load(f.path).refusal == nil)
        let bad = tmp.write("bad.py", "# expect: flatten=great\n")
        #expect { try Fixture.load(bad.path) } throws: { "\($0)".contains("unknown status 'great'") }
    }
}
