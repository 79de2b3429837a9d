import Foundation
import Testing

/// Round three (see AttackRoundThreeTests): the figures a report shows and
/// the time a test gets, chosen by what the candidate does with inputs it
/// can reach; what outlives the normal run; names the visible run gives.
@Suite("Attacks, round three: figures and time")
struct AttackRoundThreeFigureTests: VisibleOutputSupport {
    // MARK: Figures and what outlives a run

    /// Whether figures read back as `values`, give or take one.
    static func reads(_ figures: [Double], _ values: [Int]) -> Bool {
        figures.count == values.count && zip(figures, values).allSatisfy { abs($0 - Double($1)) <= 1.5 }
    }

    /// The `shout` exercise's JSON report (VisibleOutputSetup: a visible
    /// 'hello', hidden 'zq-SECRET-7731' and 'zq-SECRET-8842') of `source`.
    static func shoutTests(_ source: String) throws -> [[String: Any]] {
        let setup = try Setup(candidate: source)
        defer { setup.remove() }
        return try Self.tests(try setup.grade("json"))
    }

    /// BROKE: every figure is measured by the worker, but the candidate
    /// chooses what there is to measure. Each call spins on CPU for 4 ms
    /// per unit of its input's last two digits and answers right: the
    /// hidden tests' `cpu_ms` reads back 31 and 42 (7731, 8842), give or
    /// take one. (A report that shows a hidden test's CPU time to the
    /// millisecond carries about 8 bits of its input; `peak_kib` the same,
    /// below. Gradescope's results show neither; JSON, results files do.)
    @Test func hiddenInputsDoNotReachTheCPUFigure() throws {
        let tests = try Self.shoutTests(
            """
            import time


            def shout(s):
                units = int(s[-2:]) if s[-2:].isdigit() else 0
                end = time.process_time() + units * 0.004
                while time.process_time() < end:
                    pass
                return s.upper()
            """)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"], "\(tests)")
        let read = tests.dropFirst().map { ($0["cpu_ms"] as? Double ?? 0) / 4 }
        withKnownIssue("a hidden test's cpu_ms carries what the candidate spent on its input: \(read)") {
            #expect(!Self.reads(read, [31, 42]), "the hidden inputs' last digits, read from cpu_ms: \(read)")
        }
    }

    /// BROKE: the same through the peak resident memory, 2 MiB per unit
    /// of the last two digits (the peak only grows within a child: 42
    /// comes after 31). Read back against the visible test's peak, which
    /// allocates for 20 units (40 MiB) to set a mark above the load's.
    /// The first hidden test is read: the last test's peak is sometimes 0
    /// (the child exits after its DONE frame, before the worker reads its
    /// /proc status for the last result).
    @Test func hiddenInputsDoNotReachThePeakMemoryFigure() throws {
        let tests = try Self.shoutTests(
            """
            def shout(s):
                units = int(s[-2:]) if s[-2:].isdigit() else 20
                block = bytearray(units << 21)
                for i in range(0, len(block), 4096):
                    block[i] = 1
                return s.upper()
            """)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "passed"], "\(tests)")
        let peaks = tests.map { $0["peak_kib"] as? Int ?? 0 }
        let read = [Double(peaks[1] - peaks[0]) / 2048 + 20]
        withKnownIssue("a hidden test's peak_kib carries what the candidate allocated for its input: \(read)") {
            #expect(!Self.reads(read, [31]), "the first hidden input's last digits, read from peak_kib: \(read)")
        }
    }

    /// Held: the normal run's children share a scratch folder within a job,
    /// so a hidden test can leave its input in a file for the next one (the
    /// second hidden test returns what it found: wrong_answer, the proof).
    /// The visible-only run, whose output reaches the report, starts in a
    /// scratch of its own: its visible test finds nothing.
    @Test func aFileTheNormalRunLeavesIsNotThereForTheVisibleRun() throws {
        let tests = try Self.shoutTests(
            """
            import os


            def shout(s):
                if os.path.exists("relay"):
                    with open("relay", encoding="utf-8") as f:
                        found = f.read()
                    print("relay:", found)
                    return found
                if s == "hello":
                    print("no relay")
                else:
                    with open("relay", "w", encoding="utf-8") as f:
                        f.write(s)
                return s.upper()
            """)
        #expect(tests.map { $0["status"] as? String } == ["passed", "passed", "wrong_answer"], "\(tests)")
        #expect(tests[0]["output"] as? String == "no relay\n", "\(tests[0])")
        #expect(!"\(tests)".contains("SECRET"), "\(tests)")
    }

    /// Held: in the visible-only run a class of the candidate's is named in
    /// its exception's words (`raised <name>`); a name holding terminal
    /// escapes (OSC title, clear screen) is shown escaped in the text report.
    @Test func anExceptionClassNamedWithEscapesIsShownEscaped() throws {
        let setup = try Setup(
            candidate: """
                Boom = type("\\x1b]0;owned\\x07\\x1b[2JBoom", (Exception,), {})


                def shout(s):
                    if s == "hello":
                        raise Boom()
                    return s.upper()
                """)
        defer { setup.remove() }
        let text = try setup.grade("text")
        #expect(text.status == 1, "\(text.stderr)")
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{07}"), "\(text.stdout.debugDescription)")
        let tests = try Self.tests(try setup.grade("json"))
        #expect(tests.map { $0["status"] as? String } == ["runtime_error", "passed", "passed"], "\(tests)")
        #expect((tests[0]["message"] as? String)?.contains("owned") == true, "\(tests[0])")
    }
}
