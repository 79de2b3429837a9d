import Foundation
import TestSupport
import Testing

/// What a visible test printed, and its exception's message, reach the
/// reports; a hidden input never does. That text comes from a second run of
/// the visible tests alone, in a worker that never held a hidden input: each
/// attack below first proves, through a status, that it found a hidden input
/// in the normal run (so none of these tests can pass for want of a working
/// attack), then checks that no format carries it.
/// (Forged frames and memory searches: VisibleOutputForgeryTests; the call,
/// expected value and result: VisibleCallTests.)
@Suite("Visible tests' output")
struct VisibleOutputTests: VisibleOutputSupport {
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

    /// During the visible test, the first, walk the collector's objects and
    /// the frames for the hidden inputs, print them and raise with them; a
    /// hidden test raises an exception whose class is named after its input
    /// and returns an object of a class named so. The walk finds no later
    /// test's input (the zygote froze them, and gc.unfreeze is a no-op in a
    /// job child: gc_guard.c): the visible test passes in the normal run
    /// too. (Before the guard it found them there: runtime_error.) What the
    /// hidden tests do with their own inputs reaches no report.
    @Test func theGCWalkFindsNoLaterTestsInputAndNoReportShowsAny() throws {
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
        // Not found in the normal run: the visible test passed there.
        #expect(tests[0]["status"] as? String == "passed", "the walk found a later test's input: \(json.stdout)")
        #expect(tests[1]["message"] as? String == "raised an exception")
        #expect(tests[2]["status"] as? String == "wrong_answer")
        // The output shown is the visible-only run's, which found nothing.
        #expect(tests[0]["output"] as? String == "found []\n", "\(json.stdout)")
        try Self.expectNoSecret(setup, "gc walk")
    }

    /// The same from the module's top level: loading fails with the hidden
    /// inputs in its message only where they are there to find, which is
    /// only in a child started again after a test that died, from what that
    /// test left in scratch (kept between the children of one job): no
    /// load digs one out of memory.
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
        #expect(tests[1]["message"] as? String == "while loading the submission: raised an exception")
        try Self.expectNoSecret(setup, "load")

        // No load finds them in memory: a load that only fails when it does.
        let proof = try Setup(
            candidate: Self.gcWalk + """
                if dig():
                    raise ValueError("found")

                def shout(s):
                    return s.upper()
                """)
        defer { proof.remove() }
        let proofTests = try Self.tests(try proof.grade("json"))
        #expect(proofTests.allSatisfy { $0["status"] as? String == "passed" }, "a load found a hidden input: \(proofTests)")

        // A restarted child's load that holds one, from scratch, and fails
        // with it: the load's failure is a runtime_error saying nothing.
        let restarted = try Setup(
            candidate: """
                import os

                found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
                if found:
                    raise ValueError(found)

                def shout(s):
                    with open("given", "a") as out:
                        out.write(s + " ")
                    os._exit(1)
                """)
        defer { restarted.remove() }
        let restartedTests = try Self.tests(try restarted.grade("json"))
        #expect(restartedTests.allSatisfy { $0["status"] as? String == "runtime_error" }, "\(restartedTests)")
        #expect(restartedTests[2]["message"] as? String == "while loading the submission: raised an exception", "\(restartedTests)")
        try Self.expectNoSecret(restarted, "restarted load")
    }

    /// Batch records are JSON reports: the gc-walk candidate's record shows
    /// the visible-only run's output and no hidden input (the hidden tests
    /// print theirs, and fail with it).
    @Test func batchRecordsCarryTheVisibleOutputOnly() throws {
        let setup = try Setup(
            candidate: Self.gcWalk + """
                def shout(s):
                    found = dig() if s == "hello" else [s]
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
        #expect(tests[0]["status"] as? String == "passed", "the walk found a later test's input: \(line)")
        #expect(tests[1]["status"] as? String == "runtime_error" && tests[2]["status"] as? String == "runtime_error", "\(line)")
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
}
