import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What a hostile candidate who has read pygrade's source would try against
/// the surfaces issue 13 adds: a visible test's call, expected value and
/// returned value in every format (point 3), the names a file defines in a
/// missing entry point's message and folders looked up by their only `.py`
/// (point 2), `grade -` reading standard input (point 7); and, found while
/// writing them, another candidate's code in the memory of a zygote forked
/// later (the last two tests).
///
/// Tests marked "needs point N" are written against the issue's contract
/// before the feature exists: on the code they were written on they fail
/// because the feature is missing (a field, a message, a lookup), and must
/// pass once it lands. The others hold already and guard the new code.
@Suite("Feedback attacks")
struct FeedbackAttackTests {
    // MARK: The arena

    /// An exercise `shout` whose hidden inputs are distinctive strings (one
    /// of them inside a list), with `visible` visible tests first, and room
    /// for candidates.
    struct Arena {
        let dir: URL
        var exercises: String { dir.appendingPathComponent("exercises").path }
        var candidates: String { dir.appendingPathComponent("candidates").path }
        func path(_ relative: String) -> String { dir.appendingPathComponent(relative).path }

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

        init(visible: [String] = ["'hello'"]) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-feedback-\(UUID().uuidString)")
            var tests = visible.enumerated().map { i, arg in
                "  - {name: visible-\(i + 1), visibility: visible, hint: basic, args: [\"\(arg)\"]}"
            }
            tests += [
                "  - {name: hidden-word, hint: words, args: [\"'\(Arena.hidden[0])'\"]}",
                "  - {name: hidden-other, hint: words, args: [\"'\(Arena.hidden[1])'\"]}",
                "  - {name: hidden-list, hint: lists, args: [\"['\(Arena.hidden[2])', '\(Arena.hidden[3])']\"]}",
            ]
            try write(
                "exercises/shout/exercise.yaml", "id: shout\ntitle: Shout\nentry: shout\ntests:\n" + tests.joined(separator: "\n") + "\n")
            try write("exercises/shout/reference.py", "def shout(s):\n    return \(Arena.right)\n")
            try write("exercises/shout/starter.py", "def shout(s):\n    pass\n")
            try write("exercises/shout/prompt.md", "Shout.\n")
            try FileManager.default.createDirectory(atPath: candidates, withIntermediateDirectories: true)
        }

        func remove() { try? FileManager.default.removeItem(at: dir) }

        func write(_ relative: String, _ text: String) throws {
            let url = dir.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(text.utf8).write(to: url)
        }

        /// `pygrade grade` of a candidate (a path relative to the arena) on this exercise set.
        func grade(_ candidate: String, _ format: String, _ extra: [String] = []) throws -> Run {
            try FeedbackAttackTests.run(["grade", path(candidate), "--format", format, "--exercises-dir", exercises] + extra)
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
            let batch = try FeedbackAttackTests.run([
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

    /// Python that collects every string starting with "zq-" reachable from
    /// the collector's objects: the hidden inputs, where a process holds them.
    static let dig = """
        import gc


        def dig():
            gc.unfreeze()
            found, stack, seen = set(), list(gc.get_objects()), set()
            while stack:
                o = stack.pop()
                if id(o) in seen:
                    continue
                seen.add(id(o))
                if isinstance(o, str) and o.startswith("zq-") and len(o) > 3:
                    found.add(o)
                elif isinstance(o, (tuple, list)):
                    stack.extend(o)
                elif isinstance(o, dict):
                    stack.extend(o.values())
            return sorted(found)


        """

    // MARK: Running pygrade, bytes as they are

    /// Like PygradeBinary.Result, but stdout kept as bytes: whether a report
    /// is valid UTF-8 is part of what is checked.
    struct Run {
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

    /// Runs `executable` (the built pygrade by default) with `arguments`;
    /// standard input from the file `stdin`, else /dev/null; in `cwd`, else
    /// the package root.
    static func run(
        _ arguments: [String], stdin: String? = nil, executable: String = PygradeBinary.executable.path, cwd: String? = nil,
        timeout: Double = 120
    ) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = cwd.map { URL(fileURLWithPath: $0) } ?? PygradeBinary.root
        var env = ProcessInfo.processInfo.environment
        env["PYGRADE_CACHE"] = PygradeBinary.cache
        env.removeValue(forKey: "NO_COLOR")
        process.environment = env
        let tmp = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-feedback-run-\(UUID().uuidString)").path
        _ = FileManager.default.createFile(atPath: tmp + ".out", contents: nil)
        _ = FileManager.default.createFile(atPath: tmp + ".err", contents: nil)
        defer {
            try? FileManager.default.removeItem(atPath: tmp + ".out")
            try? FileManager.default.removeItem(atPath: tmp + ".err")
        }
        process.standardOutput = FileHandle(forWritingAtPath: tmp + ".out")
        process.standardError = FileHandle(forWritingAtPath: tmp + ".err")
        process.standardInput = FileHandle(forReadingAtPath: stdin ?? "/dev/null")
        let start = Date()
        try process.run()
        while process.isRunning {
            if Date().timeIntervalSince(start) > timeout {
                kill(-process.processIdentifier, SIGKILL)
                process.terminate()
                throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(arguments) did not finish in \(timeout) s"])
            }
            usleep(2000)
        }
        return Run(
            status: process.terminationStatus, stdout: FileManager.default.contents(atPath: tmp + ".out") ?? Data(),
            stderr: FileManager.default.contents(atPath: tmp + ".err") ?? Data(), seconds: Date().timeIntervalSince(start))
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

    // MARK: Point 3: a visible test's call, expected value and returned value

    /// The visible test digs the hidden inputs out of its process and
    /// returns them (plain, hex, reversed, as code points), or, with none to
    /// find, another wrong answer ('nothing found'). The normal run's status
    /// says which (a wrong result of the wrong type there proves the dig
    /// found them); the value a report shows must be the visible-only run's,
    /// where there is nothing to find: `got` is 'nothing found', and no
    /// format holds any hidden input. (Needs point 3 for the `call`,
    /// `expected` and `got` fields; the rest holds today.)
    @Test func gotComesFromTheVisibleOnlyRunAndCarriesNoHiddenInput() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            Self.dig + """
                def shout(s):
                    if s == "hello":
                        found = dig()
                        if found:
                            return {
                                "plain": found,
                                "hex": [f.encode().hex() for f in found],
                                "reversed": [f[::-1] for f in found],
                                "ords": [[ord(c) for c in f] for f in found],
                            }
                        return "nothing found"
                    return \(Arena.right)
                """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests[0]["status"] as? String == "wrong_answer", "\(tests[0])")
        // The dict is the normal run's: the dig found the hidden inputs there.
        #expect((tests[0]["message"] as? String)?.hasPrefix("returned a dict") == true, "the dig found nothing: \(tests[0])")
        #expect(tests.dropFirst().allSatisfy { $0["status"] as? String == "passed" })
        #expect((tests[0]["call"] as? String)?.contains("'hello'") == true, "needs point 3: a visible test shows its call: \(tests[0])")
        #expect((tests[0]["expected"] as? String)?.contains("'HELLO'") == true, "needs point 3: and its expected value: \(tests[0])")
        #expect(tests[0]["got"] as? String == "'nothing found'", "needs point 3: and the visible-only run's result: \(tests[0])")
        #expect(Self.leaks(outputs).isEmpty, "\(Self.leaks(outputs))")
        for (name, run) in outputs where ["text", "json", "junit", "gradescope", "batch"].contains(name) {
            #expect(run.status == 1 || (name == "batch" && run.status == 0), "\(name): exit \(run.status): \(run.err)")
        }
    }

    /// A candidate that returns the right value only where no hidden input
    /// is there to find (the visible-only run) and a wrong one where it is:
    /// the report must not show a wrong answer whose shown run returned the
    /// expected value (`got` equal to `expected`, or no `got` at all) without
    /// saying that the run that decided returned something else, or a
    /// candidate could point at its own report to dispute a verdict.
    /// (Needs point 3.)
    @Test func aGotThatDiffersFromTheDecidingRunIsNotPassedOffAsTheAnswer() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            Self.dig + """
                def shout(s):
                    if s == "hello" and dig():
                        return "HELL0"
                    return \(Arena.right)
                """)
        let json = try arena.grade("cand.py", "json")
        let test = try #require(try json.tests().first)
        #expect(test["status"] as? String == "wrong_answer", "\(test)")
        let got = test["got"] as? String
        let expected = test["expected"] as? String
        #expect(expected == "'HELLO'", "needs point 3: \(test)")
        let words = test["message"] as? String ?? ""
        let said = words.contains("again") || words.contains("differ") || words.contains("visible tests alone")
        #expect(said || (got != nil && got != expected), "a wrong answer with nothing said of the run that decided it: \(test)")
    }

    /// Values whose `__repr__`, `__str__`, `__format__` and `__eq__` lie
    /// ("RIGHT-ANSWER") and print a marker ("REPR-RAN") when called: what a
    /// report shows must be pygrade's rendering of the decoded value (or of
    /// its refusal), never the candidate's words, and nothing may call those
    /// methods (their print would show in the test's output). Such a value
    /// is no data, so there may be no `got`; the call and expected value are
    /// still shown. (Needs point 3 for those; no marker holds today.)
    @Test func theCandidatesOwnReprIsNeverRunNorShown() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'", "'xyz'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            import sys


            def _say(tag):
                print("REPR-RAN", tag)
                print("REPR-RAN", tag, file=sys.stderr)


            class Liar:
                def __eq__(self, other):
                    _say("eq")
                    return True

                def __hash__(self):
                    return 0

                def __repr__(self):
                    _say("repr")
                    return "RIGHT-ANSWER"

                def __str__(self):
                    _say("str")
                    return "RIGHT-ANSWER"

                def __format__(self, spec):
                    _say("format")
                    return "RIGHT-ANSWER"


            class LiarStr(Liar, str):
                pass


            class LiarInt(Liar, int):
                pass


            def shout(s):
                if s == "hello":
                    return LiarStr("HELLO")
                if s == "abc":
                    return [LiarInt(1), "ABC"]
                if s == "xyz":
                    return {LiarStr("k"): Liar()}
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(3).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests)")
        #expect(tests.prefix(3).allSatisfy { $0["call"] is String && $0["expected"] is String }, "needs point 3: \(tests)")
        let shown = Self.leaks(outputs, ["REPR-RAN", "RIGHT-ANSWER"])
        #expect(shown.isEmpty, "a candidate's method ran or its words were shown: \(shown)")
    }

    /// A visible test returns a string of 900,000 characters, a list of
    /// 20,000 ints, a dict of 20,000 entries, a list nested 9,990 deep (just
    /// under the decoder's cap: the worst case for a renderer that recurses,
    /// on `grade`'s main-thread stack). Each shown value is cut to a readable
    /// length with a mark, nothing crashes, and every report stays small.
    /// (Needs point 3.)
    @Test func aHugeOrDeepGotIsCutAndTheReportStaysSmall() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'", "'xyz'", "'qrs'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            def shout(s):
                if s == "hello":
                    return "x" * 900_000
                if s == "abc":
                    return list(range(20_000))
                if s == "xyz":
                    return {str(i): [i, -i] for i in range(20_000)}
                if s == "qrs":
                    value = []
                    for _ in range(9_990):
                        value = [value]
                    return value
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(4).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests.map { $0["message"] ?? "" })")
        let wholeLengths = [900_002, 128_890, 400_000, 19_980]  // len(repr(value)), or a bound under it
        for (test, whole) in zip(tests.prefix(4), wholeLengths) {
            let got = test["got"] as? String ?? ""
            #expect(got.unicodeScalars.count <= 4096, "needs point 3: got of \(got.unicodeScalars.count) characters")
            #expect(Self.isCutAndMarked(test, "got", wholeLength: whole), "needs point 3: got cut with a mark: \(got.prefix(200))")
        }
        for (name, run) in outputs {
            #expect(run.status == 0 || run.status == 1, "\(name): exit \(run.status) (a crash?): \(run.err.prefix(500))")
            #expect(run.stdout.count < 512 << 10, "\(name): \(run.stdout.count) bytes")
        }
    }

    /// The shape of every hostile string a returned value can hold: terminal
    /// escapes (clear screen, OSC 52 writing the clipboard), NUL, C0 and C1
    /// controls, a bidi override, noncharacters and a lone surrogate (invalid
    /// in XML and in UTF-8), `]]>`, and HTML that would load a URL if it ran.
    static let hostile =
        #""\x1b[2J\x1b]52;c;SGVsbG8=\x07\x00\x0b\x7f\x9b31m\u202e\ufffe\uffff\ud800 ]]> --> " "#
        + #""</script><script>fetch('http://xss-got.invalid/s')</script>" "#
        + #""<img src='http://xss-got.invalid/i' onerror=\"fetch('http://xss-got.invalid/e')\">""#

    /// A visible test returns the hostile string, alone and inside a list and
    /// a dict. Every format stays valid (UTF-8, XML, JSON), no terminal
    /// control reaches the text report, and the HTML report runs and loads
    /// nothing (Chromium's net log). (Needs point 3: the value must be shown.)
    @Test func hostileStringsInGotAreInertInEveryFormat() throws {
        let arena = try Arena(visible: ["'hello'", "'abc'"])
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            """
            EVIL = \(Self.hostile)


            def shout(s):
                if s == "hello":
                    return EVIL
                if s == "abc":
                    return [EVIL, {EVIL: EVIL}]
                return \(Arena.right)
            """)
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.prefix(2).allSatisfy { $0["status"] as? String == "wrong_answer" }, "\(tests)")
        #expect(
            (tests[0]["got"] as? String)?.contains("xss-got.invalid") == true, "needs point 3: the value is shown, as data: \(tests[0])")
        for (name, run) in outputs {
            #expect(String(validating: run.stdout, as: UTF8.self) != nil, "\(name) is not valid UTF-8")
        }
        let controls: [Unicode.Scalar] = ["\u{1B}", "\u{07}", "\u{00}", "\u{0B}", "\u{7F}", "\u{9B}", "\u{202E}", "\u{FFFE}", "\u{FFFF}"]
        for name in ["text", "batch"] {
            let run = try #require(outputs[name])
            for text in [run.out, run.err] {
                let raw = controls.filter { c in text.unicodeScalars.contains(c) }
                #expect(raw.isEmpty, "\(name) prints raw \(raw.map { String(format: "U+%04X", $0.value) })")
            }
        }
        // XML 1.0 allows no C0 control but tab, LF and CR, and no U+FFFE or U+FFFF.
        let junit = try #require(outputs["junit"])
        let invalid = junit.out.unicodeScalars.filter { s in
            (s.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(s.value)) || s.value == 0xFFFE || s.value == 0xFFFF
        }
        #expect(invalid.isEmpty, "JUnit holds characters XML forbids: \(invalid.map { $0.value })")
        _ = try XMLTree.parse(junit.out)
        #expect(junit.out.contains("xss-got.invalid"), "needs point 3: JUnit shows the value")
        for name in ["json", "gradescope", "results"] {
            let data = try #require(outputs[name]).stdout
            let lines = name == "results" ? data.split(separator: UInt8(ascii: "\n")).map { Data($0) } : [data]
            for line in lines { _ = try JSONSerialization.jsonObject(with: line) }
        }
        // The HTML report: the value is there, as text; nothing of it runs.
        let html = try #require(outputs["html"]).out
        #expect(html.contains("xss-got.invalid"), "needs point 3: the HTML report shows the value")
        // A `</script` of the candidate's would end the report's own script early.
        let benign = try Self.benignHTML(arena)
        #expect(
            html.components(separatedBy: "</script").count == benign.components(separatedBy: "</script").count,
            "the HTML report holds one more '</script' than a harmless candidate's")
        let file = arena.path("report.html")
        try html.write(toFile: file, atomically: true, encoding: .utf8)
        let render = try HTMLReportTests.render(file, in: arena.dir.path)
        #expect(render.pageRequests.isEmpty, "the page asked for \(render.pageRequests)")
    }

    /// The HTML report of a candidate that returns a plain wrong value.
    static func benignHTML(_ arena: Arena) throws -> String {
        try arena.write("benign.py", "def shout(s):\n    return 'nope'\n")
        return try #require(try arena.everyFormat("benign.py")["html"]).out
    }

    /// Wrong everywhere: each visible test shows its call, expected value
    /// and returned value in every format; a hidden test shows none of them
    /// (its input and its expected value are the hidden data) in any format.
    /// (Needs point 3.)
    @Test func hiddenTestsShowNoCallExpectedOrGot() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("cand.py", "def shout(s):\n    return 'nope'\n")
        let outputs = try arena.everyFormat("cand.py")
        let tests = try #require(try outputs["json"]?.tests())
        #expect(tests.allSatisfy { $0["status"] as? String == "wrong_answer" })
        #expect(tests[0]["got"] as? String == "'nope'", "needs point 3: \(tests[0])")
        #expect(tests[0]["expected"] as? String == "'HELLO'", "needs point 3: \(tests[0])")
        #expect((tests[0]["call"] as? String)?.contains("'hello'") == true, "needs point 3: \(tests[0])")
        for test in tests.dropFirst() {
            #expect(test["call"] == nil && test["expected"] == nil && test["got"] == nil, "a hidden test shows its data: \(test)")
        }
        for name in ["text", "junit", "gradescope", "html"] {
            #expect(try #require(outputs[name]).out.contains("HELLO"), "needs point 3: \(name) shows the expected value")
        }
        #expect(Self.leaks(outputs).isEmpty, "\(Self.leaks(outputs))")
    }

    // MARK: Point 2: the names a file defines, folders by their only .py

    /// At load, the file digs out the hidden inputs and binds functions named
    /// after them (globals(), exec of a `def`, setattr on its module), and
    /// defines `shout` only when there were none: so it is `missing` in the
    /// normal run, which proves the dig found them. The missing entry point's
    /// message names the functions the file defines; only names written in
    /// the source, from a process that holds no input, may appear.
    /// (Needs point 2 for the names; no leak holds today.)
    @Test func theDefinesListHoldsNoNameMadeAtRunTime() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write(
            "cand.py",
            Self.dig + """
                import sys


                def helper_one():
                    return 1


                def helper_two(x):
                    return x


                found = dig()
                for f in found:
                    h = f.encode().hex()
                    globals()["leak_" + h] = helper_one
                    exec("def leakexec_" + h + "(): pass")
                    setattr(sys.modules[__name__], "leakattr_" + h, helper_two)

                if not found:
                    def shout(s):
                        return \(Arena.right)
                """)
        let outputs = try arena.everyFormat("cand.py")
        let json = try #require(outputs["json"])
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing", "the dig found nothing at load: \(exercise)")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("helper_one") && message.contains("helper_two"), "needs point 2: \(message)")
        let shown = Self.leaks(outputs, Arena.markers + ["leak_", "leakexec_", "leakattr_"])
        #expect(shown.isEmpty, "\(shown)")
    }

    /// Five thousand functions of 70-character names and no entry point: the
    /// list of names is capped, in every format. (Needs point 2.)
    @Test func theDefinesListIsCapped() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let filler = String(repeating: "x", count: 62)
        try arena.write("cand.py", (0..<5000).map { String(format: "def fn_%04d_", $0) + filler + "():\n    pass\n" }.joined())
        var outputs: [String: Run] = [:]
        for format in ["text", "json", "junit", "gradescope"] { outputs[format] = try arena.grade("cand.py", format) }
        let json = try #require(outputs["json"])
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("fn_"), "needs point 2: the message names some of the functions: \(message)")
        #expect(message.count <= 2000 && message.components(separatedBy: "fn_").count <= 101, "\(message.count) characters")
        for (name, run) in outputs {
            #expect(run.stdout.count < 64 << 10, "\(name): \(run.stdout.count) bytes")
        }
    }

    /// Names as Python binds them: a `def` spelled `ﬁnd_thing` (U+FB01)
    /// binds `find_thing` (identifiers are NFKC-normalised), so the list
    /// must say `find_thing`, as the parsed tree does, not the raw text.
    /// (Needs point 2; Fixtures/attack_nfkc_entry_names.py: such entry
    /// points are defined, and pass.)
    @Test func theDefinesListGivesNamesAsPythonBindsThem() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("cand.py", "def \u{FB01}nd_thing():\n    pass\n\n\ndef sh\u{1D428}ut_helper():\n    pass\n")
        let json = try arena.grade("cand.py", "json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "missing")
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("find_thing") && message.contains("shout_helper"), "needs point 2: \(message)")
        #expect(!message.contains("\u{FB01}") && !message.contains("\u{1D428}"), "names from the raw text: \(message)")
    }

    /// A folder whose only `.py` (as an LMS download names it) is a symbolic
    /// link to a secret: refused, one line, nothing of the target shown.
    /// (Holds today; Fixtures/attack_only_py_is_a_symlink links the reference.)
    @Test func aFolderWhoseOnlyPyIsASymlinkIsRefused() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try FileManager.default.createDirectory(atPath: arena.path("sub"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: arena.path("sub/hw1.py"), withDestinationPath: "/etc/passwd")
        let run = try arena.grade("sub", "text")
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("hw1.py: a symbolic link"), "\(run.err)")
        #expect(run.stdout.isEmpty && !run.err.contains("root:"))
    }

    /// A FIFO named `main.py` that no one writes to: refused at once, never
    /// opened for a blocking read. (Holds today.)
    @Test func aFIFONamedMainPyIsRefusedWithoutWaiting() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try FileManager.default.createDirectory(atPath: arena.path("sub"), withIntermediateDirectories: true)
        #expect(mkfifo(arena.path("sub/main.py"), 0o644) == 0)
        let run = try FeedbackAttackTests.run(["grade", arena.path("sub"), "--exercises-dir", arena.exercises], timeout: 20)
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("main.py: a FIFO"), "\(run.err)")
        #expect(run.seconds < 10)
    }

    /// `solution.py` is a folder holding a right answer (as `solution.py`
    /// and `shout.py`), next to `hw.py`, a wrong one: sub-folders are never
    /// looked into, so the right answer is never graded. `hw.py`, the only
    /// `.py` file, is (a wrong answer); or the folder is refused, in one line
    /// naming `solution.py`. (Needs point 2: today the folder is `missing`.)
    @Test func aSolutionPyThatIsAFolderIsNotLookedInto() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let right = "def shout(s):\n    return \(Arena.right)\n"
        try arena.write("sub/solution.py/solution.py", right)
        try arena.write("sub/solution.py/shout.py", right)
        try arena.write("sub/hw.py", "def shout(s):\n    return s\n")
        let run = try arena.grade("sub", "json")
        if run.status == 2 {
            #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("solution.py"), "\(run.err)")
        } else {
            let exercise = try #require((try run.json()["exercises"] as? [[String: Any]])?.first, "\(run.err)")
            #expect(exercise["status"] as? String == "wrong_answer", "needs point 2: hw.py graded, nothing else: \(exercise)")
        }
    }

    /// A right answer only inside a sub-folder: the folder has no `.py` of
    /// its own, which is bad input (exit 2, one line); the sub-folder is not
    /// looked into. (Needs point 2: today `missing`, exit 1.)
    @Test func aPyFileInASubFolderOnlyIsBadInput() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("sub/inner/shout.py", "def shout(s):\n    return \(Arena.right)\n")
        let run = try arena.grade("sub", "text")
        #expect(run.status == 2, "needs point 2: \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.stdout.isEmpty, "\(run.err)")
    }

    /// The folder's only `.py` is named with terminal escapes (OSC 52 writes
    /// the clipboard, CSI 31m turns the terminal red) and does not compile:
    /// it is graded (a syntax error), and the text report and stderr show
    /// the name escaped. (Needs point 2: today the folder is `missing`.)
    @Test func anOnlyPyNamedWithEscapesIsShownEscaped() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("sub/\u{1B}]52;c;SGk=\u{07}\u{1B}[31mhw.py", "def shout(s:\n")
        let json = try arena.grade("sub", "json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first, "\(json.err)")
        #expect(exercise["status"] as? String == "syntax_error", "needs point 2: the only .py is graded: \(exercise)")
        let text = try arena.grade("sub", "text")
        for output in [text.out, text.err, json.err] {
            #expect(!output.unicodeScalars.contains("\u{1B}") && !output.unicodeScalars.contains("\u{07}"), "\(output)")
        }
    }

    // MARK: Point 4: an assignment a candidate writes

    /// A candidate ships its own `assignment.yaml` (1000 points for the one
    /// exercise, minutes of CPU per test) in its folder, as an LMS download
    /// keeps every file a student uploads: neither `batch` of the folder of
    /// candidates, nor `grade` of the candidate's folder or of the file next
    /// to it, may grade under it. (Holds since point 4 landed.)
    @Test func aCandidatesOwnAssignmentFileIsNeverRead() throws {
        let arena = try Arena()
        defer { arena.remove() }
        let own = "name: Mine\nexercises:\n  - id: shout\n    points: 1000\n    limits: {time: 60, budget: 600}\n"
        try arena.write("candidates/alice/shout.py", "def shout(s):\n    return 'nope'\n")
        try arena.write("candidates/alice/assignment.yaml", own)
        try arena.write("candidates/bob.py", "def shout(s):\n    return 'nope'\n")
        let out = arena.path("results.jsonl")
        let batch = try Self.run([
            "batch", arena.candidates, "--exercises-dir", arena.exercises, "--out", out, "--no-progress", "--jobs", "1",
        ])
        #expect(batch.status == 0, "\(batch.err)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2, "\(records)")
        for record in records {
            #expect(record["assignment"] == nil && record["max_score"] as? Double == 20, "\(record)")
        }
        for path in ["candidates/alice", "candidates/alice/shout.py"] {
            let run = try arena.grade(path, "json")
            let report = try run.json()
            #expect(report["assignment"] == nil && report["max_score"] as? Double == 20, "\(path): \(report)")
        }
    }

    // MARK: Point 7: `grade -`

    /// Standard input graded as a file: the same verdict and the same
    /// SHA-256 as the file it came from. (Needs point 7.)
    @Test func gradeDashGradesStandardInput() throws {
        let file = PygradeBinary.fixture("correct.py")
        let fromFile = try Self.run(["grade", file, "--exercise", "reverse", "--format", "json"])
        let fromStdin = try Self.run(["grade", "-", "--exercise", "reverse", "--format", "json"], stdin: file)
        #expect(fromStdin.status == 0, "needs point 7: \(fromStdin.err)")
        let a = try fromFile.json()
        let b = try fromStdin.json()
        #expect(b["sha256"] as? String == a["sha256"] as? String)
        #expect(b["verdict"] as? String == "passed")
    }

    /// Bytes that are no source, on standard input: each refused in one line
    /// (exit 2), for what it is (today: "-: no such file or folder").
    /// (Needs point 7.)
    @Test(arguments: [
        ("binary", Data("def reverse_string(s):\u{0}\n    return s\n".utf8), "NUL"),
        ("latin-1 without a coding line", Data([0x23, 0x20, 0xE9, 0x0A]), "UTF-8"),
    ])
    func gradeDashRefusesWhatIsNoSource(what: String, bytes: Data, mention: String) throws {
        let arena = try Arena()
        defer { arena.remove() }
        try bytes.write(to: URL(fileURLWithPath: arena.path("stdin")))
        let run = try Self.run(["grade", "-", "--exercise", "reverse"], stdin: arena.path("stdin"))
        #expect(run.status == 2, "\(what): \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains(mention), "needs point 7: \(what): \(run.err)")
    }

    /// Empty standard input is an empty submission: graded `missing`, like
    /// an empty file. (Needs point 7.)
    @Test func gradeDashOfNothingIsMissing() throws {
        let run = try Self.run(["grade", "-", "--exercise", "reverse", "--format", "json"], stdin: "/dev/null")
        #expect(run.status == 1, "needs point 7: \(run.err)")
        let exercise = try #require((try? run.json()["exercises"] as? [[String: Any]])?.first, "\(run.err)")
        #expect(exercise["status"] as? String == "missing")
        #expect((exercise["message"] as? String)?.contains("empty") == true, "\(exercise)")
    }

    /// An endless stream on standard input (`yes`): pygrade stops reading
    /// one byte past the size limit and refuses it in one line; it neither
    /// waits for an end that never comes nor holds the stream in memory.
    /// (Needs point 7.)
    @Test func gradeDashStopsReadingAnEndlessStream() throws {
        let run = try Self.shell(#"yes 'x = 1' | "$0" "$@""#, ["grade", "-", "--exercise", "reverse"], timeout: 60)
        #expect(run.status == 2, "\(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1 && run.err.contains("size limit"), "needs point 7: \(run.err)")
        #expect(run.seconds < 30)
    }

    /// Standard input closed, or a folder: refused in one line naming why
    /// (exit 2, not a crash, not a hang). A closed descriptor 0 is also the
    /// first one the next open() or pipe() would get: pygrade must not read
    /// a pipe of its own as the submission. (Needs point 7.)
    @Test(arguments: [#"exec "$0" "$@" <&-"#, #"exec "$0" "$@" < /"#])
    func gradeDashRefusesAStdinThatCannotBeRead(script: String) throws {
        let run = try Self.shell(script, ["grade", "-", "--exercise", "reverse"], timeout: 30)
        #expect(run.status == 2, "\(script): \(run.out)\(run.err)")
        #expect(run.err.split(separator: "\n").count == 1, "\(script): \(run.err)")
        #expect(!run.err.contains("no such file"), "needs point 7: \(script): \(run.err)")
    }

    /// Found by this suite: a path of one character, as an operator types
    /// it (`grade a`, and `grade -` once point 7 lands), or a results file
    /// named so (`batch --out r`, rewritten by `--resume`), went through
    /// Foundation's `NSString.deletingLastPathComponent`, which traps on a
    /// one-character string in this toolchain: pygrade died of SIGILL (exit
    /// 132) with a 37-line backtrace instead of grading.
    @Test func aOneCharacterPathIsGradedNotACrash() throws {
        let arena = try Arena()
        defer { arena.remove() }
        try arena.write("a", "def shout(s):\n    return 'nope'\n")
        let grade = try Self.run(["grade", "a", "--exercises-dir", arena.exercises], cwd: arena.dir.path)
        #expect(grade.status == 1, "exit \(grade.status): \(grade.err.prefix(300))")
        #expect(grade.out.hasPrefix("a  failed"), "\(grade.out)")
        try arena.write("candidates/c.py", "def shout(s):\n    return 'nope'\n")
        let batch = ["batch", "candidates", "--exercises-dir", arena.exercises, "--out", "r", "--no-progress", "--jobs", "1"]
        let first = try Self.run(batch, cwd: arena.dir.path)
        #expect(first.status == 0, "exit \(first.status): \(first.err.prefix(300))")
        // Changed: --resume grades it again and rewrites the results file.
        try arena.write("candidates/c.py", "def shout(s):\n    return \(Arena.right)\n")
        let again = try Self.run(batch + ["--resume"], cwd: arena.dir.path)
        #expect(again.status == 0, "exit \(again.status): \(again.err.prefix(300))")
        let records = BatchScratch.lines(arena.path("r")).compactMap { $0 }
        #expect(records.count == 1 && records.first?["verdict"] as? String == "passed", "\(records)")
    }

    // MARK: Another candidate's code in a zygote forked later

    /// Two one-line exercises, `alpha` and `beta`, each `2 * x` on one
    /// visible and one hidden test; candidates as given (path to source).
    static func twoExercises(_ candidates: [String: String]) throws -> Arena {
        let arena = try Arena()
        for id in ["alpha", "beta"] {
            try arena.write(
                "pair/\(id)/exercise.yaml",
                "id: \(id)\ntitle: \(id)\nentry: \(id)\ntests:\n"
                    + "  - {name: one, visibility: visible, hint: basic, args: ['1']}\n  - {name: two, hint: edge, args: ['2']}\n")
            try arena.write("pair/\(id)/reference.py", "def \(id)(x):\n    return 2 * x\n")
            try arena.write("pair/\(id)/starter.py", "def \(id)(x):\n    pass\n")
            try arena.write("pair/\(id)/prompt.md", "Twice x.\n")
        }
        for (path, source) in candidates { try arena.write("candidates/\(path)", source) }
        return arena
    }

    /// `batch --jobs 1` (one worker, one visible-only worker) over the
    /// arena's candidates on the two exercises: each record by file name.
    static func batchPair(_ arena: Arena) throws -> [String: [String: Any]] {
        let out = arena.path("results.jsonl")
        let run = try Self.run([
            "batch", arena.candidates, "--exercises-dir", arena.path("pair"), "--jobs", "1", "--out", out, "--no-progress",
        ])
        #expect(run.status == 0, "\(run.err)")
        var records: [String: [String: Any]] = [:]
        for line in BatchScratch.lines(out) {
            guard let record = line, let path = record["submission"] as? String else { continue }
            records[URL(fileURLWithPath: path).lastPathComponent] = record
        }
        return records
    }

    static func exercise(_ record: [String: Any]?, _ id: String) -> [String: Any]? {
        (record?["exercises"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    /// Found by this suite, and it fails on the code it was written on. A
    /// worker's base keeps the code of the last file it compiled
    /// (CompileRunner: a file holding every exercise is compiled once), and
    /// a zygote is forked from the base when an exercise is first needed. In
    /// a batch, the first candidate is a folder holding `alpha.py` only, so
    /// `beta` is first prepared for the second candidate: its zygote, and
    /// every job child of `beta` after it, holds the first candidate's
    /// compiled `alpha.py`. The second candidate's `beta` searches its heap
    /// for a token of that file (CrossCandidateTests.scanner: it must find
    /// its own planted copy, else it raises) and answers wrong if it finds
    /// it. (It got wrong_answer: the token, and with it the first
    /// candidate's code, constants and bytecode, was there to read, to print
    /// or to run.)
    @Test func aZygoteForkedForALaterCandidateHoldsNoEarlierCandidatesCode() throws {
        let token = "LEAKMARK-\(UUID().uuidString)"
        let arena = try Self.twoExercises([
            "a_first/alpha.py": "NOTE = '\(token)'\n\n\ndef alpha(x):\n    return 2 * x\n",
            "b_second.py": CrossCandidateTests.scanner(for: token) + """
                def beta(x):
                    if not found_control:
                        raise ValueError("the scan found not even its planted copy")
                    if leaks:
                        return 0
                    return 2 * x


                def alpha(x):
                    return 2 * x
                """,
        ])
        defer { arena.remove() }
        let records = try Self.batchPair(arena)
        #expect(Self.exercise(records["a_first"], "alpha")?["status"] as? String == "passed", "\(records)")
        let beta = Self.exercise(records["b_second.py"], "beta")
        // wrong_answer: the first candidate's code was in this job child's memory.
        #expect(beta?["status"] as? String == "passed", "\(beta ?? [:])")
    }

    /// The same through the visible-only worker, where what a visible test
    /// prints reaches the report: the first candidate prints in `alpha`
    /// (its visible-only run compiles it there), the second prints in
    /// `beta`, whose visible-only zygote is then forked holding the first
    /// candidate's code, and prints what its heap search found. (It printed
    /// "control True leaks 1", and could print the first candidate's code
    /// into its own report: it did, in the run this test was written from.)
    @Test func theVisibleOnlyWorkerHoldsNoEarlierCandidatesCode() throws {
        let token = "LEAKMARK-\(UUID().uuidString)"
        let arena = try Self.twoExercises([
            "a_first.py":
                "NOTE = '\(token)'\n\n\ndef alpha(x):\n    print('alpha says', x)\n    return 2 * x\n\n\ndef beta(x):\n    return 2 * x\n",
            "b_second.py": CrossCandidateTests.scanner(for: token) + """
                def beta(x):
                    print("control", found_control, "leaks", leaks)
                    return 2 * x


                def alpha(x):
                    return 2 * x
                """,
        ])
        defer { arena.remove() }
        let records = try Self.batchPair(arena)
        let beta = Self.exercise(records["b_second.py"], "beta")
        let output = (beta?["tests"] as? [[String: Any]])?.first?["output"] as? String
        #expect(output == "control True leaks 0\n", "\(beta ?? [:])")
    }
}
