import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Integrity attacks on what one candidate leaves to the next in the same
/// worker: its limits and its scratch. Each fails on the code it was found on.
@Suite("Integrity attacks: the next candidate")
struct NextCandidateAttackTests {
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
                import math, os, resource, time
                try:
                    # clock_getcpuclockid(ppid), as glibc computes it (ctypes,
                    # the first version, no longer imports in a job child).
                    clock = (~os.getppid() << 3) | 2
                    limit = math.ceil(time.clock_gettime(clock)) + 5
                    resource.prlimit(os.getppid(), resource.RLIMIT_CPU, (limit, limit))
                except OSError:
                    pass
            """
        Self.expectFullMarks(try Self.batch(attacker: try Self.attacker(attack), second: try Self.correctSource()), "RLIMIT_CPU")
    }

    /// Lowers its worker's RLIMIT_DATA to about what it holds (its own data
    /// size, found by bisecting its own soft limit with 64 MiB blocks):
    /// job children inherit it and never reset it. (The next candidate got
    /// memory_limit_exceeded on every exercise, 76.95/100, exit 0: silently.)
    @Test func aJobCannotLowerItsWorkersDataLimit() throws {
        let attack = """
            def attack():
                import os, resource
                try:
                    soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
                    lo, hi = 0, 1 << 40
                    block = 64 << 20  # past malloc's mmap threshold: always a new private mapping
                    while hi - lo > 4096:  # the smallest limit that lets one more such block through
                        mid = (lo + hi) // 2
                        resource.setrlimit(resource.RLIMIT_DATA, (mid, hard))
                        try:
                            got = bytes(block)  # calloc: mapped, never touched (ctypes' mmap of one page before)
                        except MemoryError:
                            got = None
                        resource.setrlimit(resource.RLIMIT_DATA, (soft, hard))
                        if got is None:
                            lo = mid
                        else:
                            del got
                            hi = mid
                    # Without the block: about what the worker holds, one more page.
                    resource.prlimit(os.getppid(), resource.RLIMIT_DATA, (hi - block + 4096, hi - block + 4096))
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
}
