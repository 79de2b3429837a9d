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
@Suite("Integrity attacks")
struct IntegrityAttackTests {
    // MARK: Frames a job child wrote itself

    /// A respawned child's first frame is the candidate's (its top level runs
    /// before it can send anything else): a syntax-error frame quoting the
    /// hidden inputs, sent by a child started again after the first one died
    /// in the visible test, must be a sandbox violation whose text reaches no
    /// format. (It got syntax_error, with the hidden inputs in the message.)
    @Test func aRespawnedChildCannotForgeASyntaxError() throws {
        let setup = try VisibleOutputTests.Setup(
            candidate: VisibleOutputTests.gcWalk + """
                import os, struct

                # Scratch is emptied between jobs, not between the children of one job.
                if os.path.exists("crashed-once"):
                    found = dig()
                    if found:
                        text = ("SyntaxError: " + " ".join(found)).encode()
                        os.write(3, struct.pack("<I", 5 + len(text)) + b"X" + struct.pack("<I", 7731) + text)
                else:
                    open("crashed-once", "w").close()

                def shout(s):
                    if s == "hello":  # the visible test, the first: the child dies, the next test gets a new one
                        os._exit(1)
                    return s.upper()
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
        let python = "/usr/bin/python3"
        try #require(FileManager.default.isExecutableFile(atPath: python), "needs \(python) to measure")
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-flood-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: out) }
        let wrapped = try PygradeBinary.run(
            [
                "-c", Self.maxRSSWrapper, out.path, PygradeBinary.executable.path,
                "grade", PygradeBinary.fixture("attack_result_flood.py"), "--exercise", "anagrams", "--format", "json",
            ], executable: URL(fileURLWithPath: python))
        let measured = try #require(
            try JSONSerialization.jsonObject(with: Data(wrapped.stdout.utf8)) as? [String: Any], "\(wrapped.stdout)\(wrapped.stderr)")
        let maxKiB = measured["maxrss_kib"] as? Int ?? Int.max
        #expect(measured["killed"] as? Bool == false, "the grader passed 3 GiB and was killed")
        #expect(maxKiB < 512 << 10, "a process of the grader reached \(maxKiB >> 10) MiB")
        #expect(measured["rc"] as? Int == 1, "\(measured)")
        let report = String(decoding: FileManager.default.contents(atPath: out.path) ?? Data(), as: UTF8.self)
        let exercise = (try? JSONSerialization.jsonObject(with: Data(report.utf8)) as? [String: Any])
            .flatMap { ($0["exercises"] as? [[String: Any]])?.first }
        #expect(exercise?["status"] as? String == "output_limit_exceeded", "\(report.prefix(2000))")
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

    // MARK: One candidate and the next, in one worker

    /// Fixtures/correct.py without its `# expect:` line.
    static func correctSource() throws -> String {
        let text = try String(contentsOfFile: PygradeBinary.fixture("correct.py"), encoding: .utf8)
        return String(text.drop { $0 != "\n" }.dropFirst())
    }

    /// Right answers to all five exercises, with `attack()` (defined by
    /// `attack`) run on reverse_string's first call: exercises are graded in
    /// the order of their names, so that is the attacker's last job in its
    /// worker; its own grading completes, and the next candidate's starts in
    /// the worker it left.
    static func attacker(_ attack: String) throws -> String {
        let hook = "def reverse_string(s):\n"
        let source = try correctSource()
        try #require(source.contains(hook))
        return attack + "\n\nattacked = []\n\n\n"
            + source.replacingOccurrences(
                of: hook, with: hook + "    if not attacked:\n        attacked.append(1)\n        attack()\n")
    }

    /// `pygrade batch --jobs 1` over an attacker (graded first) and a second
    /// candidate, every exercise: the exit status and each record by file name.
    static func batch(attacker: String, second: String, openFiles: Int? = nil) throws -> (
        status: Int32, records: [String: [String: Any]], stderr: String
    ) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-integrity-\(UUID().uuidString)")
        let candidates = dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: candidates, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try attacker.write(to: candidates.appendingPathComponent("a_attacker.py"), atomically: true, encoding: .utf8)
        try second.write(to: candidates.appendingPathComponent("b_second.py"), atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("results.jsonl").path
        let arguments = ["batch", candidates.path, "--jobs", "1", "--out", out, "--no-progress"]
        let result: PygradeBinary.Result
        if let openFiles {
            // As under a shell's `ulimit -n`: the orchestrator and its workers inherit it.
            result = try PygradeBinary.run(
                ["-c", "ulimit -n \(openFiles) && exec \"$0\" \"$@\"", PygradeBinary.executable.path] + arguments,
                executable: URL(fileURLWithPath: "/bin/sh"))
        } else {
            result = try PygradeBinary.run(arguments)
        }
        var records: [String: [String: Any]] = [:]
        for line in BatchScratch.lines(out) {
            guard let record = line, let path = record["submission"] as? String else { continue }
            records[URL(fileURLWithPath: path).lastPathComponent] = record
        }
        return (result.status, records, result.stderr)
    }

    /// The second candidate is right on every exercise: 100/100, and the
    /// batch graded both (exit 0).
    static func expectFullMarks(_ batch: (status: Int32, records: [String: [String: Any]], stderr: String), _ what: String) {
        let second = batch.records["b_second.py"]
        #expect(batch.status == 0, "\(what): batch exited \(batch.status): \(batch.stderr)")
        #expect(second?["score"] as? Double == 100, "\(what): the next candidate got \(second.map { "\($0)" } ?? "no record")")
        let statuses = (second?["exercises"] as? [[String: Any]])?.map { $0["status"] as? String ?? "?" } ?? []
        #expect(statuses == Array(repeating: "passed", count: 5), "\(what): \(statuses)")
    }

    /// Lowers its worker's open-file limit below what every job child sets
    /// for itself: the next job child's set-up fails. (The next candidate got
    /// an error record, "the job child could not set itself up"; exit 3.)
    @Test func aJobCannotLowerItsWorkersOpenFiles() throws {
        let attack = """
            def attack():
                import os, resource
                try:
                    resource.prlimit(os.getppid(), resource.RLIMIT_NOFILE, (32, 32))
                except OSError:
                    pass
            """
        Self.expectFullMarks(try Self.batch(attacker: try Self.attacker(attack), second: try Self.correctSource()), "RLIMIT_NOFILE")
    }

    /// Lowers its worker's CPU limit to a few seconds past what the worker
    /// has used (read from its CPU clock), below what every job child sets
    /// for itself: the next job child's set-up fails. (Error record, exit 3.)
    @Test func aJobCannotLowerItsWorkersCPULimit() throws {
        let attack = """
            def attack():
                import ctypes, math, os, resource, time
                try:
                    clock = ctypes.c_int()
                    ctypes.CDLL(None).clock_getcpuclockid(os.getppid(), ctypes.byref(clock))
                    limit = math.ceil(time.clock_gettime(clock.value)) + 5
                    resource.prlimit(os.getppid(), resource.RLIMIT_CPU, (limit, limit))
                except OSError:
                    pass
            """
        Self.expectFullMarks(try Self.batch(attacker: try Self.attacker(attack), second: try Self.correctSource()), "RLIMIT_CPU")
    }

    /// Lowers its worker's RLIMIT_DATA to about what it holds (its own data
    /// size, found by bisecting its own soft limit with one-page mappings):
    /// job children inherit it and never reset it. (The next candidate got
    /// memory_limit_exceeded on every exercise, 76.95/100, exit 0: silently.)
    @Test func aJobCannotLowerItsWorkersDataLimit() throws {
        let attack = """
            def attack():
                import ctypes, os, resource
                libc = ctypes.CDLL(None)
                libc.mmap.restype = ctypes.c_void_p
                libc.mmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
                libc.munmap.argtypes = [ctypes.c_void_p, ctypes.c_size_t]
                try:
                    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
                    lo, hi = 0, 1 << 40
                    while hi - lo > 4096:  # the smallest limit that lets one more private page through
                        mid = (lo + hi) // 2
                        resource.setrlimit(resource.RLIMIT_DATA, (mid, hard))
                        page = libc.mmap(None, 4096, 3, 0x22, -1, 0)  # read-write, private, anonymous
                        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
                        if page is None or page == (1 << 64) - 1:
                            lo = mid
                        else:
                            libc.munmap(page, 4096)
                            hi = mid
                    resource.prlimit(os.getppid(), resource.RLIMIT_DATA, (hi, hi))
                except OSError:
                    pass
            """
        Self.expectFullMarks(try Self.batch(attacker: try Self.attacker(attack), second: try Self.correctSource()), "RLIMIT_DATA")
    }

    /// Fixtures/attack_scratch_deep_tree.py leaves a tree 1,500 directories
    /// deep in scratch; with 1,024 open files (a common default), the
    /// worker's clean-up runs out of descriptors on the way down and leaves
    /// it. The next candidate, right on every exercise, fails if its working
    /// directory is not empty: scratch must be empty before every job,
    /// whatever the limits. (It got 0/100: runtime_error on every exercise.)
    @Test func scratchIsEmptyForTheNextCandidateAfterADeepTree() throws {
        let attacker = try String(contentsOfFile: PygradeBinary.fixture("attack_scratch_deep_tree.py"), encoding: .utf8)
        let second =
            "import os\n\nif os.listdir(\".\"):\n    raise RuntimeError(\"scratch is not empty\")\n\n\n" + (try Self.correctSource())
        Self.expectFullMarks(try Self.batch(attacker: attacker, second: second, openFiles: 1024), "deep tree")
    }

    // MARK: Time

    /// The references' expected results computed and cached (a first grade
    /// on a cold cache builds every exercise's inputs and runs its
    /// reference): the minute below bounds what a submission can cost, not
    /// that one-off set-up, which would otherwise land on whichever timed
    /// test runs first.
    static func warmExpectedResults() throws {
        let warm = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--format", "json"], timeout: 600)
        #expect(warm.status == 0, "\(warm.stderr)")
    }

    /// The five exercises' answers, each made to wait in every call by `delay`
    /// (Python statements, `cpu` the test's CPU limit in seconds) first.
    static func everyExercise(delay: String) throws -> String {
        var source = try correctSource()
        for (entry, cpu) in [("find_duplicates", 1), ("flatten_list", 2), ("reverse_string", 1), ("simple_cache", 1), ("are_anagrams", 1)] {
            let def = source.range(of: "def \(entry)(")!
            let bodyStart = source[def.upperBound...].range(of: ":\n")!.upperBound
            let indented = delay.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n")
            source.insert(contentsOf: "    cpu = \(cpu)\n\(indented)\n", at: bodyStart)
        }
        return "import time\n\n" + source
    }

    /// Slow on the code it was found on (about 4 minutes): every call sleeps
    /// just under its test's wall-clock limit (2 × CPU + 1 s), then answers
    /// right. Sleeping costs no CPU, so each test passed, and the submission
    /// held its worker for some 250 s. With a wall-clock budget per exercise
    /// (10 s by default), the tests past it are not run and count as
    /// time_limit_exceeded: one submission of five exercises takes under a
    /// minute whatever it does.
    @Test func slowSleepingJustUnderEveryWallLimitEndsWithinAMinute() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-sleeper-\(UUID().uuidString).py")
        try (try Self.everyExercise(delay: "time.sleep(2 * cpu + 1 - 0.2)")).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.warmExpectedResults()
        let result = try PygradeBinary.run(["grade", file.path, "--format", "json"], timeout: 600)
        #expect(result.seconds < 60, "one submission took \(Int(result.seconds)) s")
        let statuses = (try? result.json()["exercises"] as? [[String: Any]])?.map { $0["status"] as? String ?? "?" } ?? []
        #expect(statuses == Array(repeating: "time_limit_exceeded", count: 5), "\(statuses) \(result.stderr)")
    }

    /// Slow on the code it was found on (about 90 s): every call spins until
    /// killed, which costs the full CPU limit of every test, one after the
    /// other. The same budget per exercise ends it within a minute.
    @Test func slowSpinningInEveryCallEndsWithinAMinute() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-spinner-\(UUID().uuidString).py")
        try (try Self.everyExercise(delay: "while cpu:\n    pass")).write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.warmExpectedResults()
        let result = try PygradeBinary.run(["grade", file.path, "--format", "json"], timeout: 600)
        #expect(result.seconds < 60, "one submission took \(Int(result.seconds)) s")
        let statuses = (try? result.json()["exercises"] as? [[String: Any]])?.map { $0["status"] as? String ?? "?" } ?? []
        #expect(statuses == Array(repeating: "time_limit_exceeded", count: 5), "\(statuses) \(result.stderr)")
    }

    /// Slow on the code it was found on (about 4 minutes): the module sleeps
    /// just under the load's wall-clock limit while loading, and every call
    /// ends its process. Each test then costs a new child, which loads (and
    /// sleeps) again: the budget must count the loads of respawned children
    /// too, not only the tests.
    @Test func slowSleepingAtLoadAndCrashingInEveryCallEndsWithinAMinute() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-respawner-\(UUID().uuidString).py")
        let source =
            "import os\n"
            + (try Self.everyExercise(delay: "os._exit(0)")).replacingOccurrences(
                of: "import time\n\n", with: "import time\n\ntime.sleep(2.8)  # the load's wall-clock limit is 3 s (5 s for flatten)\n\n")
        try source.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        try Self.warmExpectedResults()
        let result = try PygradeBinary.run(["grade", file.path, "--format", "json"], timeout: 600)
        #expect(result.seconds < 60, "one submission took \(Int(result.seconds)) s")
        let statuses = (try? result.json()["exercises"] as? [[String: Any]])?.map { $0["status"] as? String ?? "?" } ?? []
        #expect(
            statuses.count == 5 && statuses.allSatisfy { ["runtime_error", "time_limit_exceeded"].contains($0) },
            "\(statuses) \(result.stderr)")
    }

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
