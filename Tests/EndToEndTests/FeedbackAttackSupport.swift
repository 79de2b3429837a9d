import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// An exercise `shout` whose hidden inputs are distinctive strings (one
/// of them inside a list), with `visible` visible tests first, and room
/// for candidates.
struct FeedbackArena: FeedbackAttackSupport {
    let temporary = TemporaryFolder(prefix: "pygrade-feedback")
    var dir: URL { temporary.url }
    var exercises: String { dir.appendingPathComponent("exercises").path }
    var candidates: String { dir.appendingPathComponent("candidates").path }
    func path(_ relative: String) -> String { temporary.path(relative) }

    static let hidden = ["zq-SECRET-kqxw", "zq-SECRET-vjpd", "zq-SECRET-fzmb", "zq-SECRET-hgyt"]

    /// What no report may hold, compared case-insensitively: the hidden
    /// inputs' distinctive parts (their expected values are their upper
    /// case), and the same in each encoding the attacks below use (hex,
    /// reversed, code points).
    static let markers = [
        "secret", "kqxw", "vjpd", "fzmb", "hgyt",
        "534543524554",  // "SECRET".encode().hex()
        "terces",  // reversed
        "83, 69, 67, 82, 69, 84",  // [ord(c) for c in "SECRET"]
    ]

    /// The right answer, for candidates to fall back on.
    static let right = "s.upper() if isinstance(s, str) else [t.upper() for t in s]"

    /// `visibleLast`: the visible tests declared after the hidden ones, so
    /// that a job child reaches them holding what the hidden tests gave it.
    init(visible: [String] = ["'hello'"], visibleLast: Bool = false) throws {
        let shown = visible.enumerated().map { i, arg in
            "  - {name: visible-\(i + 1), visibility: visible, hint: basic, args: [\"\(arg)\"]}"
        }
        var tests = visibleLast ? [] : shown
        tests += [
            "  - {name: hidden-word, hint: words, args: [\"'\(Arena.hidden[0])'\"]}",
            "  - {name: hidden-other, hint: words, args: [\"'\(Arena.hidden[1])'\"]}",
            "  - {name: hidden-list, hint: lists, args: [\"['\(Arena.hidden[2])', '\(Arena.hidden[3])']\"]}",
        ]
        if visibleLast { tests += shown }
        try write(
            "exercises/shout/exercise.yaml", "id: shout\ntitle: Shout\nentry: shout\ntests:\n" + tests.joined(separator: "\n") + "\n")
        try write("exercises/shout/reference.py", "def shout(s):\n    return \(Arena.right)\n")
        try write("exercises/shout/starter.py", "def shout(s):\n    pass\n")
        try write("exercises/shout/prompt.md", "Shout.\n")
        temporary.folder("candidates")
    }

    func remove() { temporary.remove() }

    func write(_ relative: String, _ text: String) throws {
        temporary.write(relative, text)
    }

    /// `pygrade grade` of a candidate (a path relative to the arena) on this exercise set.
    func grade(_ candidate: String, _ format: String, _ extra: [String] = []) throws -> Run {
        try Self.run(["grade", path(candidate), "--format", format, "--exercises-dir", exercises] + extra)
    }

    /// Every format of `grade` (text, JSON, JUnit, Gradescope) for a
    /// candidate, and `batch` of it alone with its results, HTML and CSV:
    /// each output by name.
    func everyFormat(_ candidate: String) throws -> [String: Run] {
        var out: [String: Run] = [:]
        for format in ["text", "json", "junit", "gradescope"] {
            out[format] = try grade(candidate, format)
        }
        let folder = path("batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path(candidate), toPath: folder + "/cand.py")
        let results = folder + ".jsonl"
        let html = folder + ".html"
        let csv = folder + ".csv"
        let batch = try Self.run([
            "batch", folder, "--exercises-dir", exercises, "--out", results, "--report", html, "--csv", csv, "--no-progress",
            "--jobs", "1",
        ])
        out["batch"] = batch
        for (name, file) in [("results", results), ("html", html), ("csv", csv)] {
            var contents = FileManager.default.contents(atPath: file) ?? Data()
            if name == "html" {
                // The detail view shows the candidate's own source, which
                // spells every name and token it uses: what is searched
                // is what pygrade says of it.
                let page = String(decoding: contents, as: UTF8.self)
                contents = Data(page.replacing(/<pre class="src">.*?<\/pre>/.dotMatchesNewlines(), with: "").utf8)
                #expect(page.contains("<pre class=\"src\">"), "the page shows the source")
            }
            out[name] = Run(status: batch.status, stdout: contents, stderr: Data(), seconds: 0)
        }
        return out
    }
}

/// Like PygradeBinary.Result, but stdout kept as bytes: whether a report
/// is valid UTF-8 is part of what is checked.
struct FeedbackRun {
    var status: Int32
    var stdout: Data
    var stderr: Data
    var seconds: Double
    var out: String { String(decoding: stdout, as: UTF8.self) }
    var err: String { String(decoding: stderr, as: UTF8.self) }

    func json() throws -> [String: Any] {
        guard let obj = try JSONSerialization.jsonObject(with: stdout) as? [String: Any] else {
            throw CocoaError(.propertyListReadCorrupt)
        }
        return obj
    }

    /// The first exercise's tests of a JSON report.
    func tests() throws -> [[String: Any]] {
        let exercises = try #require(try json()["exercises"] as? [[String: Any]], "\(out)\(err)")
        return try #require(exercises.first?["tests"] as? [[String: Any]])
    }
}

/// What the feedback-attack suites share: the arena, a dig for its hidden
/// inputs, pygrade run with its output kept as bytes, and what to look for.
protocol FeedbackAttackSupport {}

extension FeedbackAttackSupport {
    typealias Arena = FeedbackArena
    typealias Run = FeedbackRun

    /// Python that collects every string starting with "zq-" the process
    /// can reach (HiddenInputDig): the hidden inputs it was given (its
    /// arguments, and what it kept with `keep`), no later test's.
    static var dig: String { HiddenInputDig.python(keeping: "len(o) > 3", gap: 2) }

    /// Runs `executable` (the built pygrade by default) with `arguments`;
    /// standard input from the file `stdin`, else /dev/null; in `cwd`, else
    /// the package root.
    static func run(
        _ arguments: [String], stdin: String? = nil, executable: String = PygradeBinary.executable.path, cwd: String? = nil,
        timeout: Double = 120, environment: [String: String] = [:]
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = cwd.map { URL(fileURLWithPath: $0) } ?? PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        env.merge(environment) { _, given in given }
        env.removeValue(forKey: "NO_COLOR")
        process.environment = env
        let out = try CapturedRun.run(process, stdin: stdin ?? "/dev/null", timeout: timeout, what: "\(arguments)", killGroup: true)
        return Run(status: out.status, stdout: out.stdout, stderr: out.stderr, seconds: out.seconds)
    }

    /// `sh -c script` with the built pygrade as $0 and `arguments` after it
    /// (for pipes and closed descriptors).
    static func shell(_ script: String, _ arguments: [String], timeout: Double = 120) throws -> Run {
        try run(["-c", script, PygradeBinary.executable.path] + arguments, executable: "/bin/sh", timeout: timeout)
    }

    /// Which of `markers` appear in any output (stdout and stderr), case-insensitively.
    static func leaks(_ outputs: [String: Run], _ markers: [String] = Arena.markers) -> [String] {
        var found: [String] = []
        for (name, run) in outputs.sorted(by: { $0.key < $1.key }) {
            let text = (run.out + "\n" + run.err).lowercased()
            for m in markers where text.contains(m.lowercased()) { found.append("\(name) shows '\(m)'") }
        }
        return found
    }

    /// A shown value is cut: shorter than the whole, and marked, by an
    /// ellipsis in the text or by a true `<field>…truncated|cut` key.
    static func isCutAndMarked(_ test: [String: Any], _ field: String, wholeLength: Int) -> Bool {
        guard let text = test[field] as? String else { return false }
        let flagged = test.contains { key, value in
            key.lowercased().hasPrefix(field) && (key.contains("trunc") || key.contains("cut")) && value as? Bool == true
        }
        return text.unicodeScalars.count < wholeLength && (flagged || text.contains("\u{2026}") || text.contains("..."))
    }
}
