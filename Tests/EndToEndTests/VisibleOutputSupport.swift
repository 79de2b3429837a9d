import Foundation
import TestSupport
import Testing

/// An exercise `shout` with one visible test and two hidden ones whose
/// inputs are distinctive strings, and a candidate file.
struct VisibleOutputSetup {
    let temporary = TemporaryFolder(prefix: "pygrade-visible")
    var dir: URL { temporary.url }
    var exercises: URL { dir.appendingPathComponent("exercises") }
    var candidate: URL { dir.appendingPathComponent("candidate.py") }

    init(candidate source: String) throws {
        let ex = dir.appendingPathComponent("exercises/shout")
        try FileManager.default.createDirectory(at: ex, withIntermediateDirectories: true)
        try """
        id: shout
        title: Shout
        entry: shout
        tests:
          - {name: visible-word, visibility: visible, hint: basic, args: ["'hello'"]}
          - {name: hidden-word, hint: unicode, args: ["'zq-SECRET-7731'"]}
          - {name: hidden-other, hint: large input, args: ["'zq-SECRET-8842'"]}
        """.write(to: ex.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "Shout.\n".write(to: ex.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def shout(s):\n    pass\n".write(to: ex.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def shout(s):\n    return s.upper()\n".write(
            to: ex.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        try source.write(to: candidate, atomically: true, encoding: .utf8)
    }

    func grade(_ format: String, _ extra: [String] = []) throws -> PygradeBinary.Result {
        try PygradeBinary.run(["grade", candidate.path, "--format", format, "--exercises-dir", exercises.path] + extra)
    }

    func remove() { temporary.remove() }
}

/// What the suites of visible tests' output share: the `shout` exercise
/// (VisibleOutputSetup), a dig for its hidden inputs, every format.
protocol VisibleOutputSupport {}

extension VisibleOutputSupport {
    typealias Setup = VisibleOutputSetup

    static var formats: [String] { ["text", "json", "junit", "gradescope"] }

    /// Python that collects every string starting with "zq-" reachable from
    /// the collector's objects (the worker froze them: unfreeze first).
    static var gcWalk: String { HiddenInputDig.python(keeping: "o[-4:].isdigit()", gap: 1) }

    static func tests(_ result: PygradeBinary.Result) throws -> [[String: Any]] {
        let exercises = try #require(try result.json()["exercises"] as? [[String: Any]])
        return try #require(exercises.first?["tests"] as? [[String: Any]])
    }

    /// Every format, with what each must not hold.
    static func expectNoSecret(_ setup: Setup, _ comment: String) throws {
        for format in formats {
            let result = try setup.grade(format)
            #expect(result.status == 1, "\(comment) \(format): \(result.stderr)")
            #expect(
                !result.stdout.contains("SECRET") && !result.stdout.contains("7731") && !result.stdout.contains("8842"),
                "\(comment): \(format) reveals a hidden input:\n\(result.stdout)")
        }
    }

    /// The visible test's entry of a JSON report, and the other tests'.
    static func shown(_ test: [String: Any]) -> [String?] {
        ["call", "expected", "got"].map { test[$0] as? String }
    }

    /// Every format, batch's HTML report included (`html`), as text.
    static func everyFormat(_ setup: Setup) throws -> [String: String] {
        var out: [String: String] = [:]
        for format in formats { out[format] = try setup.grade(format).stdout }
        let folder = setup.dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: setup.candidate, to: folder.appendingPathComponent("cand.py"))
        let html = setup.dir.appendingPathComponent("report.html").path
        let batch = try PygradeBinary.run([
            "batch", folder.path, "--out", setup.dir.appendingPathComponent("r.jsonl").path, "--exercises-dir", setup.exercises.path,
            "--no-progress", "--jobs", "1", "--report", html,
        ])
        #expect(batch.status == 0, "\(batch.stderr)")
        out["html"] = try String(contentsOfFile: html, encoding: .utf8)
        return out
    }
}
