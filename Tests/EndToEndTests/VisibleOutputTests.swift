import Foundation
import TestSupport
import Testing

/// What a visible test printed, and its exception's message, reach the
/// reports; a hidden input never does. That text comes from a second run of
/// the visible tests alone, in a worker that never held a hidden input: each
/// attack below first proves, through a status, that it found a hidden input
/// in the normal run (so none of these tests can pass for want of a working
/// attack), then checks that no format carries it.
@Suite("Visible tests' output")
struct VisibleOutputTests {
    static let formats = ["text", "json", "junit", "gradescope"]

    /// An exercise `shout` with one visible test and two hidden ones whose
    /// inputs are distinctive strings, and a candidate file.
    struct Setup {
        let dir: URL
        var exercises: URL { dir.appendingPathComponent("exercises") }
        var candidate: URL { dir.appendingPathComponent("candidate.py") }

        init(candidate source: String) throws {
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-visible-\(UUID().uuidString)")
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

        func remove() { try? FileManager.default.removeItem(at: dir) }
    }

    /// Python that collects every string starting with "zq-" reachable from
    /// the collector's objects (the worker froze them: unfreeze first).
    static let gcWalk = """
        import gc

        def dig():
            gc.unfreeze()
            found, stack, seen = set(), list(gc.get_objects()), set()
            while stack:
                o = stack.pop()
                if id(o) in seen:
                    continue
                seen.add(id(o))
                if isinstance(o, str) and o.startswith("zq-") and o[-4:].isdigit():
                    found.add(o)
                elif isinstance(o, (tuple, list)):
                    stack.extend(o)
                elif isinstance(o, dict):
                    stack.extend(o.values())
            return sorted(found)

        """

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

    /// A visible test whose process dies (here: it exits mid-test) still
    /// shows what it printed before; exactly as many bytes as are kept is
    /// not a cut.
    @Test func outputBeforeADeathIsShownAndAFullKeepIsNotACut() throws {
        let setup = try Setup(
            candidate: """
                import os, sys

                def shout(s):
                    if s == "hello":
                        sys.stdout.write("before the exit " + "." * (4096 - 16))
                        sys.stdout.flush()
                        os._exit(3)
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests[0]["status"] as? String == "runtime_error", "\(json.stdout)")
        let output = try #require(tests[0]["output"] as? String, "\(json.stdout)")
        #expect(output.hasPrefix("before the exit") && output.utf8.count == 4096, "\(output)")
        #expect(tests[0]["output_truncated"] == nil, "exactly 4096 bytes printed: nothing was cut")
        #expect(tests[1]["status"] as? String == "passed" && tests[1]["output"] == nil)
    }

    @Test func aVisibleTestsOutputIsShownAHiddenTestsNever() throws {
        let setup = try Setup(
            candidate: """
                import sys

                def shout(s):
                    if s == "hello":
                        print("visible says", s)
                        print("and on stderr", file=sys.stderr)
                    else:
                        print("HIDDEN-PRINT", s.encode().hex())
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        #expect(json.status == 0, "\(json.stderr)")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"])
        let output = try #require(tests[0]["output"] as? String, "\(json.stdout)")
        #expect(output.contains("visible says hello") && output.contains("and on stderr"), "\(output)")
        #expect(tests[0]["output_truncated"] == nil)
        #expect(tests[1]["output"] == nil && tests[2]["output"] == nil)
        let valid = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")
        // The schema holds the line too: output on a hidden test is invalid.
        var report = try json.json()
        var exercises = try #require(report["exercises"] as? [[String: Any]])
        var broken = tests
        broken[1]["output"] = "leaked"
        exercises[0]["tests"] = broken
        report["exercises"] = exercises
        let rejected = try SchemaValidator.validate(
            String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self), against: "report.schema.json")
        #expect(rejected.status == 1 && rejected.problems.contains("exercises/0/tests/1"), "\(rejected.problems)")

        let junit = try setup.grade("junit")
        let cases = try XMLTree.parse(junit.stdout).all("testsuite").flatMap { $0.all("testcase") }
        #expect(cases.first { $0.attributes["name"] == "visible-word" }?.first("system-out")?.text.contains("visible says hello") == true)
        #expect(cases.filter { $0.first("system-out") != nil }.count == 1)
        let gradescope = try setup.grade("gradescope")
        #expect(gradescope.stdout.contains("visible says hello"))
        let text = try setup.grade("text")
        #expect(text.stdout.contains("| visible says hello"), "\(text.stdout)")
        for result in [json, junit, gradescope, text] {
            #expect(!result.stdout.contains("HIDDEN-PRINT") && !result.stdout.contains("zq-"), "\(result.stdout)")
        }
    }

    /// During the visible test, walk the collector's objects for the hidden
    /// inputs, print them and raise with them; a hidden test raises an
    /// exception whose class is named after its input and returns an object
    /// of a class named so. The visible test's status proves the walk found
    /// them in the normal run: it fails there only then, and passes in the
    /// visible-only run, where there is nothing to find.
    @Test func theGCWalkFindsHiddenInputsButNoReportShowsThem() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                def shout(s):
                    if s == "hello":
                        found = dig()
                        print("found", found)
                        if found:
                            raise ValueError(found)
                        return s.upper()
                    if s.endswith("7731"):
                        raise type(s, (Exception,), {})(s)
                    return type(s, (), {})()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        // Found in the normal run: the visible test failed there.
        #expect(tests[0]["status"] as? String == "runtime_error", "\(json.stdout)")
        #expect(tests[0]["message"] as? String == "raised ValueError")
        #expect(tests[1]["message"] as? String == "raised an exception of a class that is not a builtin one")
        #expect(tests[2]["status"] as? String == "wrong_answer")
        // The output shown is the visible-only run's, which found nothing.
        #expect(tests[0]["output"] as? String == "found []\n", "\(json.stdout)")
        try Self.expectNoSecret(setup, "gc walk")
    }

    /// The same from the module's top level: loading fails with the hidden
    /// inputs in its message only where they are there to find.
    @Test func aLoadFailureShowsTheVisibleRunsMessageOnly() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                found = dig()
                if found:
                    raise ValueError(found)
                raise ValueError("nothing to see")

                def shout(s):
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.allSatisfy { $0["status"] as? String == "runtime_error" }, "\(json.stdout)")
        #expect(tests[0]["message"] as? String == "while loading the submission: raised ValueError: nothing to see", "\(json.stdout)")
        #expect(tests[1]["message"] as? String == "while loading the submission: raised ValueError")
        try Self.expectNoSecret(setup, "load")

        // Proof that loading saw them: a load that only fails when it finds them.
        let proof = try Setup(
            candidate: Self.gcWalk + """
                if dig():
                    raise ValueError("found")

                def shout(s):
                    return s.upper()
                """)
        defer { proof.remove() }
        let proofTests = try Self.tests(try proof.grade("json"))
        #expect(proofTests.allSatisfy { $0["status"] as? String == "runtime_error" }, "the load did not find the hidden inputs")
        #expect(proofTests[0]["message"] as? String == "while loading the submission: raised ValueError")
    }

    /// The module's top level finds the hidden inputs and writes a syntax
    /// error frame quoting them into the result channel (fd 3). The worker
    /// takes that frame only before any candidate code runs: this one is
    /// forged, a sandbox_violation (which it is only if the walk found them,
    /// so the status proves the attack ran), and its text goes nowhere.
    @Test func aForgedSyntaxErrorFrameIsAViolationAndShowsNoText() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                import os, struct

                found = dig()
                if found:
                    text = ("SyntaxError: " + " ".join(found)).encode()
                    os.write(3, struct.pack("<I", 5 + len(text)) + b"X" + struct.pack("<I", 7731) + text)

                def shout(s):
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        #expect(exercise["status"] as? String == "sandbox_violation", "the forged frame was not refused: \(json.stdout)")
        try Self.expectNoSecret(setup, "forged syntax error")
    }

    /// While loading, write a compile frame and then a rule-checker failure
    /// frame quoting the hidden inputs (the exercise has no rules). Both are
    /// out of order, so the worker refuses them as forged (and the grader
    /// would too: no rule checker ran): sandbox_violation, and the text goes
    /// nowhere (not even to stderr, or a batch error record). It is written
    /// only when the walk found them, so the status proves it.
    @Test func aForgedRuleCheckerFailureIsAViolationAndSaysNothing() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                import os, struct

                found = dig()
                if found:
                    text = " ".join(found).encode()
                    os.write(3, struct.pack("<I", 1) + b"C")
                    os.write(3, struct.pack("<I", 1 + len(text)) + b"Q" + text)

                def shout(s):
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        #expect(json.status == 1, "\(json.stderr)")
        let exercise = try #require((try? json.json()["exercises"] as? [[String: Any]])?.first, "\(json.stderr)")
        #expect(exercise["status"] as? String == "sandbox_violation", "\(json.stdout)")
        #expect(!json.stderr.contains("SECRET"), "\(json.stderr)")
        try Self.expectNoSecret(setup, "forged rule checker failure")
    }

    /// Raw memory through ctypes: around the visible input's own address,
    /// probe each page (a write(2) from an unmapped page fails with EFAULT
    /// instead of crashing) and search the readable ones for the hidden
    /// strings. Whether it found them decides the visible test's status.
    @Test func aCtypesMemorySearchFindsHiddenInputsButNoReportShowsThem() throws {
        let setup = try Setup(
            candidate: """
                import ctypes, os

                def search(near):
                    r, w = os.pipe()
                    needle = ("zq-" + "SECRET" + "-").encode()
                    found = set()
                    base = (id(near) & ~0xFFFF) - (32 << 20)
                    carry = b""
                    for page in range(base, base + (64 << 20), 4096):
                        try:
                            os.write(w, (ctypes.c_char * 1).from_address(page))
                            os.read(r, 1)
                        except OSError:
                            carry = b""
                            continue
                        # With the end of the page before: a string may straddle.
                        data = carry + ctypes.string_at(page, 4096)
                        carry = data[-32:]
                        at = data.find(needle)
                        while at >= 0:
                            tail = data[at + len(needle):at + len(needle) + 4]
                            if len(tail) == 4 and tail.isdigit():
                                found.add((needle + tail).decode())
                            at = data.find(needle, at + 1)
                    return sorted(found)

                def shout(s):
                    if s == "hello":
                        found = search(s)
                        print("raw", found)
                        if found:
                            raise ValueError(found)
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests[0]["status"] as? String == "runtime_error", "the memory search found nothing: \(json.stdout)")
        #expect(tests[0]["output"] as? String == "raw []\n", "\(json.stdout)")
        try Self.expectNoSecret(setup, "ctypes")
    }

    /// Batch records are JSON reports: the gc-walk candidate's record shows
    /// the visible-only run's output and no hidden input.
    @Test func batchRecordsCarryTheVisibleOutputOnly() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                def shout(s):
                    found = dig() if s == "hello" else []
                    print("found", found)
                    if found:
                        raise ValueError(found)
                    return s.upper()
                """)
        defer { setup.remove() }
        let folder = setup.dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: setup.candidate, to: folder.appendingPathComponent("ana.py"))
        let out = setup.dir.appendingPathComponent("results.jsonl").path
        let result = try PygradeBinary.run([
            "batch", folder.path, "--out", out, "--exercises-dir", setup.exercises.path, "--no-progress", "--jobs", "1",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let line = try String(contentsOfFile: out, encoding: .utf8)
        #expect(!line.contains("SECRET") && !line.contains("7731"), "\(line)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let tests = try #require((record["exercises"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        #expect(tests[0]["status"] as? String == "runtime_error", "the walk found nothing: \(line)")
        #expect(tests[0]["output"] as? String == "found []\n")
        #expect(tests[1]["output"] == nil && tests[2]["output"] == nil)
    }

    @Test func outputPastWhatTheWorkerKeepsIsCutAndSaysSo() throws {
        let setup = try Setup(
            candidate: """
                def shout(s):
                    for i in range(200):
                        print(f"line {i:03d} " + "x" * 40)
                    return s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        let output = try #require(tests[0]["output"] as? String, "\(json.stdout)")
        #expect(output.utf8.count == 4096 && output.hasPrefix("line 000 "))
        #expect(tests[0]["output_truncated"] as? Bool == true)
        #expect(try setup.grade("text").stdout.contains("cut: only the first 4096 bytes are kept"))
        let junit = try XMLTree.parse(try setup.grade("junit").stdout)
        let out = junit.all("testsuite").flatMap { $0.all("testcase") }.first?.first("system-out")?.text ?? ""
        #expect(out.contains("line 000") && out.contains("output cut, only the first 4096 bytes are kept"), "\(out)")
        #expect(try setup.grade("gradescope").stdout.contains("output cut"))
    }

    // MARK: Call, expected value and result

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

    /// A wrong result says what was called, what was expected and what came
    /// back, as Python writes them, in every format; the hidden tests, which
    /// fail too, say none of it.
    @Test func aWrongResultShowsTheCallTheExpectedValueAndTheResultInEveryFormat() throws {
        let setup = try Setup(candidate: "def shout(s):\n    return s.lower() + '!'\n")
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["wrong_answer", "wrong_answer", "wrong_answer"], "\(json.stdout)")
        #expect(Self.shown(tests[0]) == ["shout('hello')", "'HELLO'", "'hello!'"], "\(json.stdout)")
        #expect(Self.shown(tests[1]) == [nil, nil, nil] && Self.shown(tests[2]) == [nil, nil, nil])
        let valid = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")

        let formats = try Self.everyFormat(setup)
        let text = try #require(formats["text"])
        #expect(
            text.contains(
                "  shout: test 'visible-word' (wrong_answer):\n    call:     shout('hello')\n    expected: 'HELLO'\n    got:      'hello!'\n"
            ),
            "\(text)")
        let junit = try XMLTree.parse(try #require(formats["junit"]))
        let cases = junit.all("testsuite").flatMap { $0.all("testcase") }
        let failure = cases.first { $0.attributes["name"] == "visible-word" }?.first("failure")?.text ?? ""
        #expect(failure.hasSuffix("\ncall: shout('hello')\nexpected: 'HELLO'\ngot: 'hello!'"), "\(failure)")
        #expect(cases.filter { $0.first("failure")?.text.contains("call:") == true }.count == 1)
        let gradescope = try JSONSerialization.jsonObject(with: Data(try #require(formats["gradescope"]).utf8)) as? [String: Any]
        let entries = try #require(gradescope?["tests"] as? [[String: Any]])
        #expect(
            entries.first { $0["name"] as? String == "shout: visible-word" }?["output"] as? String
                == "wrong_answer: wrong result\n\ncall: shout('hello')\nexpected: 'HELLO'\ngot: 'hello!'")
        #expect(entries.filter { ($0["output"] as? String)?.contains("call:") == true }.count == 1)
        let html = try #require(formats["html"])
        #expect(html.contains("call: shout(&#39;hello&#39;)\nexpected: &#39;HELLO&#39;\ngot: &#39;hello!&#39;"), "\(html)")
        for (format, out) in formats { #expect(!out.contains("SECRET"), "\(format)") }
    }

    /// A long result is cut to a readable length, and says how much more
    /// there was, in every format.
    @Test func aLongResultIsCutWithAMarkInEveryFormat() throws {
        let setup = try Setup(candidate: "def shout(s):\n    return s * 3000\n")
        defer { setup.remove() }
        // repr of 'hello' * 3000: 15002 characters, 200 shown.
        let shown = "'" + String(String(repeating: "hello", count: 40).prefix(199))
        let got = shown + "…(14802 more characters)"
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests[0]["got"] as? String == got, "\(tests[0])")
        for (format, out) in try Self.everyFormat(setup) {
            #expect(out.contains(got.replacingOccurrences(of: "'", with: format == "html" ? "&#39;" : "'")), "\(format): \(out)")
        }
    }

    /// The call shows the arguments as they were before it ran: neither the
    /// call changing them nor the module changing them at load time (it
    /// finds the visible inputs in its process and rewrites them: the
    /// result proves it did) changes what the report says was called.
    @Test func aCandidateThatChangesItsArgumentsStillShowsTheCallAsMade() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-mutate-\(UUID().uuidString).py")
        defer { try? FileManager.default.removeItem(at: file) }
        try """
        import gc

        gc.unfreeze()
        for o in gc.get_objects():
            if type(o) is list and o == [1, 2, 3, 2]:
                o[:] = [7, 7]

        def find_duplicates(items):
            seen = list(items)
            items.append(99)
            return seen
        """.write(to: file, atomically: true, encoding: .utf8)
        let json = try PygradeBinary.run(["grade", file.path, "--exercise", "duplicates", "--format", "json"])
        let tests = try Self.tests(json)
        let onePair = try #require(tests.first { $0["name"] as? String == "one-pair" })
        #expect(onePair["message"] as? String == "modified its input", "\(onePair)")
        #expect(onePair["got"] as? String == "[7, 7]", "the load-time rewrite did not happen: \(onePair)")
        #expect(onePair["call"] as? String == "find_duplicates([1, 2, 3, 2])", "\(onePair)")
        #expect(onePair["expected"] as? String == "[2]")
        let text = try PygradeBinary.run(["grade", file.path, "--exercise", "duplicates"])
        #expect(text.stdout.contains("    call:     find_duplicates([])\n"), "\(text.stdout)")
    }

    /// A result holding ANSI escapes and other controls is shown as Python's
    /// repr shows it, escaped: nothing reaches the terminal raw, the JUnit
    /// file stays XML, the HTML shows the escapes as text.
    @Test func aResultWithEscapeSequencesIsShownEscaped() throws {
        let setup = try Setup(
            candidate: #"""
                def shout(s):
                    return "\x1b[2J\x1b]0;pwned\x07\r" + s + "\u202e\x9b"
                """#)
        defer { setup.remove() }
        let got = #"'\x1b[2J\x1b]0;pwned\x07\rhello\u202e\x9b'"#
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests[0]["got"] as? String == got, "\(tests[0])")
        let formats = try Self.everyFormat(setup)
        for (format, out) in formats {
            #expect(
                !out.unicodeScalars.contains { $0 == "\u{1B}" || $0 == "\u{07}" || $0 == "\u{9B}" || $0 == "\u{202E}" },
                "\(format) holds a raw control character")
        }
        #expect(formats["text"]?.contains("    got:      \(got)\n") == true, "\(formats["text"] ?? "")")
        let junit = try XMLTree.parse(try #require(formats["junit"]))
        let failure = junit.all("testsuite").flatMap { $0.all("testcase") }.first?.first("failure")?.text ?? ""
        #expect(failure.hasSuffix("got: \(got)"), "\(failure)")
        let gradescope = try JSONSerialization.jsonObject(with: Data(try #require(formats["gradescope"]).utf8)) as? [String: Any]
        let output = (gradescope?["tests"] as? [[String: Any]])?.first?["output"] as? String ?? ""
        #expect(output.hasSuffix("got: \(got)"), "\(output)")
        #expect(formats["html"]?.contains("got: " + got.replacingOccurrences(of: "'", with: "&#39;")) == true)
    }

    /// The normal run's process holds the hidden inputs: the visible test
    /// digs them out and returns them in its result, each hidden test
    /// returns them as its own (a wrong answer only if they were found: the
    /// statuses prove the attack ran). The result shown is the visible-only
    /// run's, which found nothing; the hidden tests show no call, value or
    /// result, and no format carries a hidden input.
    @Test func aResultCarryingHiddenInputsIsNeverShown() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                FOUND = []

                def shout(s):
                    if s == "hello":
                        FOUND.extend(dig())
                        return s.lower() + "|" + "|".join(FOUND)
                    return "|".join(FOUND) if FOUND else s.upper()
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let tests = try Self.tests(json)
        #expect(tests.map { $0["status"] as? String } == ["wrong_answer", "wrong_answer", "wrong_answer"], "the walk found nothing")
        #expect(tests[0]["got"] as? String == "'hello|'", "\(json.stdout)")
        #expect(Self.shown(tests[1]) == [nil, nil, nil] && Self.shown(tests[2]) == [nil, nil, nil])
        for (format, out) in try Self.everyFormat(setup) {
            #expect(!out.contains("SECRET") && !out.contains("7731") && !out.contains("8842"), "\(format) reveals a hidden input:\n\(out)")
        }
        // The schema holds the line too: a hidden test with a result is invalid.
        var report = try json.json()
        var exercises = try #require(report["exercises"] as? [[String: Any]])
        var broken = tests
        broken[1]["got"] = "'leaked'"
        exercises[0]["tests"] = broken
        report["exercises"] = exercises
        let rejected = try SchemaValidator.validate(
            String(decoding: try JSONSerialization.data(withJSONObject: report), as: UTF8.self), against: "report.schema.json")
        #expect(rejected.status == 1 && rejected.problems.contains("exercises/0/tests/1"), "\(rejected.problems)")
    }

    /// The second run costs a fork and the visible tests again: it happens
    /// only when there is text to take from it.
    @Test func aSubmissionThatPrintsNothingIsNotRunAgain() throws {
        let quiet = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--timings"])
        #expect(quiet.status == 0, "\(quiet.stderr)")
        #expect(quiet.stderr.contains("visible re-runs: 0\n"), "\(quiet.stderr)")
        let setup = try Setup(candidate: "def shout(s):\n    print(s)\n    return s.upper()\n")
        defer { setup.remove() }
        let loud = try setup.grade("json", ["--timings"])
        #expect(loud.stderr.contains("visible re-runs: 1\n"), "\(loud.stderr)")
    }
}
