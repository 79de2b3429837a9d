import Foundation
import TestSupport
import Testing

/// JUnit (of `grade` and of `check`), read back with XMLParser, and the
/// text report: colour on a terminal only, aligned columns.
@Suite("Report formats: JUnit and text")
struct JUnitAndTextFormatTests {
    @Test func junitHasASuitePerExerciseAndACasePerTest() throws {
        let path = PygradeBinary.fixture("flatten_recursive_extend.py")
        let json = try PygradeBinary.run(["grade", path, "--format", "json"]).json()
        let result = try PygradeBinary.run(["grade", path, "--format", "junit"])
        #expect(result.status == 1, "\(result.stderr)")
        let root = try XMLTree.parse(result.stdout)
        #expect(root.name == "testsuites")
        let exercises = try #require(json["exercises"] as? [[String: Any]])
        let suites = root.all("testsuite")
        #expect(suites.map { $0.attributes["name"] } == exercises.map { $0["id"] as? String })
        var cases = 0
        for (suite, exercise) in zip(suites, exercises) {
            let tests = exercise["tests"] as? [[String: Any]] ?? []
            let testcases = suite.all("testcase")
            cases += testcases.count
            #expect(suite.attributes["tests"] == "\(testcases.count)")
            if tests.isEmpty {
                // `duplicates` is missing here: one case that says so.
                #expect(testcases.count == 1)
                #expect(testcases.first?.first("error")?.attributes["type"] == exercise["status"] as? String)
                continue
            }
            #expect(testcases.map { $0.attributes["name"] } == tests.map { $0["name"] as? String })
            var failing = 0
            for (testcase, test) in zip(testcases, tests) {
                let status = test["status"] as? String
                let problem = testcase.first("failure") ?? testcase.first("error")
                if status == "passed" {
                    #expect(problem == nil)
                    continue
                }
                failing += 1
                let p = try #require(problem, "\(test["name"] ?? "") failed but has no failure element")
                #expect(p.name == (status == "wrong_answer" ? "failure" : "error"))
                #expect(p.attributes["type"] == status)
                #expect(p.attributes["message"]?.isEmpty == false)
                if test["visibility"] as? String == "hidden" {
                    #expect(p.attributes["message"]?.hasPrefix("[\(test["hint"] as? String ?? "")]") == true)
                }
            }
            let counted = Int(suite.attributes["failures"] ?? "") ?? -1
            let errors = Int(suite.attributes["errors"] ?? "") ?? -1
            #expect(counted + errors == failing)
        }
        #expect(root.attributes["tests"] == "\(cases)")
    }

    @Test func checkWritesJUnitOfEveryCheck() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-checkjunit-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let good = dir.appendingPathComponent("exercises/twice")
        let bad = dir.appendingPathComponent("exercises/broken")
        let fixtures = dir.appendingPathComponent("fixtures")
        for d in [good, bad, fixtures] { try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true) }
        try "id: twice\ntitle: Twice\nentry: twice\ntests:\n  - {name: one, visibility: visible, args: ['1']}\n".write(
            to: good.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "x\n".write(to: good.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def twice(x): pass\n".write(to: good.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def twice(x):\n    return 2 * x\n".write(to: good.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        try "id: broken\ntitle: Broken\nentry: f\ntests: [oops\n".write(
            to: bad.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "# expect: twice=passed\ndef twice(x):\n    return x + x\n".write(
            to: fixtures.appendingPathComponent("right.py"), atomically: true, encoding: .utf8)
        try "# expect: twice=passed\ndef twice(x):\n    return x\n".write(
            to: fixtures.appendingPathComponent("wrong.py"), atomically: true, encoding: .utf8)
        let result = try PygradeBinary.run([
            "check", "--format", "junit", "--exercises", dir.appendingPathComponent("exercises").path, "--fixtures", fixtures.path,
        ])
        #expect(result.status == 1, "\(result.stderr)")
        let root = try XMLTree.parse(result.stdout)
        // Every kind of check that ran has its suite: the good exercise also
        // gets its determinism and time-margin checks.
        #expect(
            root.all("testsuite").map { $0.attributes["name"] ?? "" } == ["definition", "reference", "determinism", "margin", "fixture"])
        let cases = root.all("testsuite").flatMap { $0.all("testcase") }
        let failed = cases.filter { $0.first("failure") != nil }.map { $0.attributes["name"] ?? "" }
        #expect(failed.count == 2, "\(failed)")
        #expect(failed.contains { $0.hasSuffix("broken/exercise.yaml") })
        #expect(failed.contains { $0.hasSuffix("wrong.py") })
        #expect(root.attributes["failures"] == "2")
        // The text form of the same check counts the same items.
        let text = try PygradeBinary.run([
            "check", "--exercises", dir.appendingPathComponent("exercises").path, "--fixtures", fixtures.path,
        ])
        #expect(text.stdout.contains("of \(cases.count) checks hold"), "\(text.stdout)")
        #expect(cases.count == 7)
    }

    @Test func textIsColouredOnATerminalOnlyAndNeverWithNoColor() throws {
        let args = ["grade", PygradeBinary.fixture("returns_set.py"), "--exercise", "duplicates"]
        let onTerminal = try Self.onTerminal(args, environment: ["TERM": "xterm"])
        #expect(onTerminal.contains("\u{1B}["), "\(onTerminal)")
        #expect(onTerminal.contains("wrong_answer"))
        for value in ["1", ""] {
            let plain = try Self.onTerminal(args, environment: ["TERM": "xterm", "NO_COLOR": value])
            #expect(plain.contains("wrong_answer"))
            #expect(!plain.contains("\u{1B}["), "NO_COLOR=\(value)")
        }
        let piped = try PygradeBinary.run(args)
        #expect(!piped.stdout.contains("\u{1B}["))
    }

    @Test func textAlignsColumnsAndGivesTheFirstFailureInWords() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("flatten_recursive_extend.py")])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count >= 4, "\(result.stdout)")
        // Every column starts at the same offset on the header and each row.
        // Below the headline (and any line said above the table).
        let header = try #require(lines.first { $0.hasPrefix("  exercise ") })
        let duplicates = try #require(lines.first { $0.hasPrefix("  duplicates ") })
        let flatten = try #require(lines.first { $0.hasPrefix("  flatten ") })
        let start = try #require(header.range(of: "first failure")).lowerBound.utf16Offset(in: header)
        #expect(duplicates.dropFirst(start).hasPrefix("`find_duplicates` is not defined"), "\(duplicates)")
        #expect(flatten.dropFirst(start).hasPrefix("hidden test 'deep-nesting' [deep nesting]: raised RecursionError"), "\(flatten)")
        let status = try #require(header.range(of: "status")).lowerBound.utf16Offset(in: header)
        #expect(duplicates.dropFirst(status).hasPrefix("missing"))
        #expect(flatten.dropFirst(status).hasPrefix("runtime_error"))
        // Scores and test counts align on the right, under their headings.
        let scoreEnd = try #require(header.range(of: "score")).upperBound.utf16Offset(in: header)
        #expect(flatten.prefix(scoreEnd).range(of: #" [0-9.]+/[0-9.]+$"#, options: .regularExpression) != nil, "\(flatten)")
        let testsEnd = try #require(header.range(of: "tests")).upperBound.utf16Offset(in: header)
        #expect(flatten.prefix(testsEnd).range(of: #" [0-9]+/[0-9]+$"#, options: .regularExpression) != nil, "\(flatten)")
    }

    /// Runs pygrade under `script`, which gives it a pseudo-terminal.
    static func onTerminal(_ arguments: [String], environment extra: [String: String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        let command = ([PygradeBinary.executable.path] + arguments).map { "'\($0)'" }.joined(separator: " ")
        process.arguments = ["-qec", command, "/dev/null"]
        process.currentDirectoryURL = PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        env.removeValue(forKey: "NO_COLOR")
        for (k, v) in extra { env[k] = v }
        process.environment = env
        let out = Pipe()
        process.standardOutput = out
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }
}
