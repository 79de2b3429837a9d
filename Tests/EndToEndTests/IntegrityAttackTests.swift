import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Attacks on the integrity of grading that a fixture's status cannot show
/// alone: what reaches the reports, what one candidate leaves to the next in
/// the same worker, how big and how long the grader gets. Each test is the
/// acceptance test of a fix: on the code these attacks were found on, each
/// fails (see the comment of each for what it got then).
/// (What one candidate leaves to the next: NextCandidateAttackTests; how
/// long the grader gets: TimeBudgetAttackTests.)
@Suite("Integrity attacks")
struct IntegrityAttackTests {
    // MARK: Frames a job child wrote itself

    /// A respawned child's first frame is the candidate's (its top level runs
    /// before it can send anything else): a syntax-error frame quoting the
    /// hidden inputs, sent by a child started again after an earlier one
    /// died, must be a sandbox violation whose text reaches no format. (It
    /// got syntax_error, with the hidden inputs in the message.) Each test
    /// leaves its input in scratch and dies; the child started after a
    /// hidden test holds that input at load (before the gc guard it dug
    /// them all out of memory) and forges with it: only then, so the status
    /// proves the attack ran.
    @Test func aRespawnedChildCannotForgeASyntaxError() throws {
        let setup = try VisibleOutputTests.Setup(
            candidate: """
                import os, struct

                # Scratch is emptied between jobs, not between the children of one job.
                found = [w for w in open("given").read().split() if w.startswith("zq-")] if os.path.exists("given") else []
                if found:
                    text = ("SyntaxError: " + " ".join(found)).encode()
                    os.write(3, struct.pack("<I", 5 + len(text)) + b"X" + struct.pack("<I", 7731) + text)

                def shout(s):
                    with open("given", "a") as out:  # the child dies, the next test gets a new one
                        out.write(s + " ")
                    os._exit(1)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first, "\(json.stderr)")
        #expect(exercise["status"] as? String == "sandbox_violation", "\(json.stdout)")
        try Self.expectNothingOf(["SECRET", "7731", "8842"], in: setup)
    }

    /// The candidate writes the result frames itself, well formed and in
    /// order, with a marker number where the frame carried the peak memory
    /// and the harness's CPU share, and 4 bytes of each hidden input in the
    /// peak of its test; then it exits. Every figure of a report must be
    /// measured by the worker: no marker, no hidden bytes, and the CPU the
    /// first test burned before writing (100 ms) shows. (It got: all passed,
    /// `peak_kib` the marker and the hidden bytes, `cpu_ms` 0.)
    @Test func reportedFiguresAreMeasuredNotTakenFromTheCandidate() throws {
        let marker = 0x123_4567
        // The last 4 bytes of each hidden input, as a little-endian u32.
        let leaked = ["7731", "8842"].map { $0.utf8.reversed().reduce(0) { $0 << 8 | Int($1) } }
        let setup = try VisibleOutputTests.Setup(
            candidate: VisibleOutputTests.gcWalk + """
                import os, struct, time

                MARKER = \(marker)


                def frame(kind, body):
                    return struct.pack("<I", 1 + len(body)) + kind + body


                def value(s):  # a str as the value stream encodes it: 's', varint length, UTF-8
                    data, n, head = s.encode(), len(s.encode()), b""
                    while True:
                        byte, n = n & 0x7F, n >> 7
                        head += bytes([byte | (0x80 if n else 0)])
                        if not n:
                            return b"s" + head + data


                def shout(s):
                    t0 = time.process_time()
                    while time.process_time() - t0 < 0.1:  # CPU the report must show
                        pass
                    for index, text in enumerate([s] + dig()):
                        # head: u32 index, u8 kind (0: a value), u32 peak KiB, u32 harness CPU µs
                        peak = MARKER if index == 0 else int.from_bytes(text.encode()[-4:], "little")
                        os.write(3, frame(b"r", struct.pack("<IBII", index, 0, peak, MARKER) + value(text.upper())))
                    os.write(3, frame(b"D", b""))
                    os._exit(0)
                """)
        defer { setup.remove() }
        let json = try setup.grade("json")
        #expect(json.status == 0 || json.status == 1, "\(json.stderr)")
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first, "\(json.stderr)")
        #expect(exercise["status"] as? String != "passed", "frames the candidate wrote were taken: \(json.stdout)")
        let tests = try #require(exercise["tests"] as? [[String: Any]])
        for test in tests {
            let peak = test["peak_kib"] as? Int ?? -1
            #expect(peak != marker && !leaked.contains(peak), "peak_kib \(peak) came from the candidate's frame: \(test)")
        }
        let cpu = tests.first?["cpu_ms"] as? Double ?? 0
        #expect(cpu >= 50, "the first test burned 100 ms of CPU, the report says \(cpu) ms")
        try Self.expectNothingOf(["SECRET"] + leaked.map(String.init), in: setup)
    }

    // MARK: Result channel flood

    /// Twelve well-formed result frames of 64 MiB (Fixtures/attack_result_flood.py):
    /// the job must end as output_limit_exceeded as the bytes arrive, and no
    /// process of the grader may grow past 512 MiB. Measured by a wrapper
    /// that reports the largest resident size of any process under it
    /// (getrusage(RUSAGE_CHILDREN): every level waits for its children) and
    /// kills the grader past 3 GiB in all, to spare the machine. (It got:
    /// wrong_answer, a process of 2.3 GiB; with 24 such frames, exit 3 and
    /// 4.7 GiB.)
    @Test func aFloodOfResultFramesIsCutOffAndTheGraderStaysSmall() throws {
        let (exercise, rc) = try Self.gradedSmall("attack_result_flood.py", exercise: "anagrams")
        #expect(rc == 1)
        #expect(exercise?["status"] as? String == "output_limit_exceeded", "\(exercise ?? [:])")
    }

    /// Found by the attacker (round four): a result within its byte limit
    /// that decodes to ~19 times its stream (Fixtures/attack_decode_bomb.py)
    /// grew the grader to 830 MiB. Every test is a wrong answer, and no
    /// process of the grader passes 512 MiB.
    @Test func aResultThatDecodesLargeKeepsTheGraderSmall() throws {
        let (exercise, _) = try Self.gradedSmall("attack_decode_bomb.py", exercise: "flatten")
        #expect(exercise?["status"] as? String == "wrong_answer", "\(exercise ?? [:])")
    }

    /// Grades `fixture` on `exercise` under `maxRSSWrapper`, expecting no
    /// process of the grader past 512 MiB (nor killed past 3 GiB): the
    /// exercise's report and the grade's exit status.
    static func gradedSmall(_ fixture: String, exercise: String) throws -> (exercise: [String: Any]?, rc: Int?) {
        let python = "/usr/bin/python3"
        try #require(FileManager.default.isExecutableFile(atPath: python), "needs \(python) to measure")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-rss-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let wrapped = try PygradeBinary.run(
            [
                "-c", Self.maxRSSWrapper, out.path, PygradeBinary.executable.path,
                "grade", PygradeBinary.fixture(fixture), "--exercise", exercise, "--format", "json",
            ], executable: URL(fileURLWithPath: python))
        let measured = try #require(
            try JSONSerialization.jsonObject(with: Data(wrapped.stdout.utf8)) as? [String: Any], "\(wrapped.stdout)\(wrapped.stderr)")
        let maxKiB = measured["maxrss_kib"] as? Int ?? Int.max
        #expect(measured["killed"] as? Bool == false, "\(fixture): the grader passed 3 GiB and was killed")
        #expect(maxKiB < 512 << 10, "\(fixture): a process of the grader reached \(maxKiB >> 10) MiB")
        let report = FileManager.default.contents(atPath: out.path) ?? Data()
        let object = (try? JSONSerialization.jsonObject(with: report)) as? [String: Any]
        return ((object?["exercises"] as? [[String: Any]])?.first, measured["rc"] as? Int)
    }

    /// Runs argv[2:] with its stdout into argv[1]; prints the exit status and
    /// the largest resident size of any process it waited for, in KiB. Kills
    /// the command when its processes hold more than 3 GiB in all.
    static let maxRSSWrapper = """
        import json, os, resource, subprocess, sys, time

        def tree(pid):
            pids = [pid]
            try:
                for task in os.listdir(f"/proc/{pid}/task"):
                    with open(f"/proc/{pid}/task/{task}/children") as f:
                        for child in f.read().split():
                            pids += tree(int(child))
            except OSError:
                pass
            return pids

        def rss_kib(pid):
            try:
                with open(f"/proc/{pid}/status") as f:
                    for line in f:
                        if line.startswith("VmRSS:"):
                            return int(line.split()[1])
            except OSError:
                pass
            return 0

        with open(sys.argv[1], "wb") as out:
            p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
            killed = False
            while p.poll() is None:
                if sum(rss_kib(q) for q in tree(p.pid)) > 3 << 20:
                    p.kill()
                    killed = True
                time.sleep(0.02)
        print(json.dumps({"rc": p.returncode, "killed": killed, "maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
        """

    // MARK: Helpers

    /// No format of the report holds any of `secrets` (stdout and stderr).
    static func expectNothingOf(_ secrets: [String], in setup: VisibleOutputTests.Setup) throws {
        for format in VisibleOutputTests.formats {
            let result = try setup.grade(format)
            #expect(result.status == 0 || result.status == 1, "\(format): exit \(result.status): \(result.stderr)")
            for secret in secrets {
                #expect(
                    !result.stdout.contains(secret) && !result.stderr.contains(secret),
                    "\(format) shows '\(secret)':\n\(result.stdout)\n\(result.stderr)")
            }
        }
    }
}
