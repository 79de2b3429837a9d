import Foundation
import Testing

/// Jobs of different candidates share a worker, and every job child is a
/// copy of that worker's memory. Nothing of one candidate may be left in it
/// for the next. The scanners read memory with ctypes, which a job child
/// cannot load (no-native-code; and Landlock keeps libffi out of view): these
/// tests leave both layers out (`nativeCode`), so that each shows its own
/// layer holding against a candidate that reads any byte.
@Suite("Cross-candidate isolation")
struct CrossCandidateTests {
    /// A scanner that searches its own process's malloc heap for `token`
    /// (kept in its source only XOR-ed, so that the only plain copies are the
    /// one it builds and one it plants as a control). `double` returns -1 if
    /// the control was not found (the scan proves nothing), 0 if another copy
    /// was, else the right answer.
    static func scanner(for token: String) -> String {
        let encoded = token.utf8.map { String(format: "%02x", $0 ^ 0x5A) }.joined()
        return """
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.sbrk.restype = ctypes.c_void_p
            libc.sbrk.argtypes = [ctypes.c_long]
            libc.malloc.restype = ctypes.c_void_p
            libc.memmem.restype = ctypes.c_void_p
            libc.memmem.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t]
            libc.mincore.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p]

            ENC = bytes.fromhex("\(encoded)")
            needle = bytearray(len(ENC))
            for i in range(len(ENC)):
                needle[i] = ENC[i] ^ 0x5A
            needle_buf = (ctypes.c_char * len(needle)).from_buffer(needle)
            needle_at = ctypes.addressof(needle_buf)

            # A planted copy in the malloc heap: the scan must find it, or it proves nothing.
            control = libc.malloc(4096)
            ctypes.memmove(control, needle_at, len(needle))

            page = 4096
            vec = ctypes.create_string_buffer(1)
            top = libc.sbrk(0) // page * page
            low = top
            while libc.mincore(low - page, page, vec) == 0:
                low -= page

            found_control = False
            leaks = 0
            at = low
            while True:
                hit = libc.memmem(at, top - at, needle_at, len(needle))
                if not hit:
                    break
                if hit == control:
                    found_control = True
                elif hit != needle_at:
                    leaks += 1
                at = hit + 1
            ctypes.memset(control, 0, len(needle))


            def double(x):
                if not found_control:
                    return -1  # the scan saw nothing at all: it proves nothing
                if leaks:
                    return 0  # another candidate's source was in this process's memory
                return 2 * x

            """
    }

    /// Two candidates graded by one worker (--jobs 1), the second searching
    /// its heap for the first's source: the statuses by file name, and the
    /// sandbox layers the report names.
    /// The layers left out so that ctypes imports in a job child.
    static let nativeCode = "no-native-code,landlock"

    static func gradeBoth(environment: [String: String] = [:]) throws -> (statuses: [String: String], sandbox: [String]) {
        let scratch = try BatchScratch()
        let token = "LEAKMARK-\(UUID().uuidString)"
        // Sorted names: the first is graded first, by the same worker (--jobs 1).
        // In a string constant, so that it travels in the compiled code the
        // exercise's zygote receives (the source itself only reaches the
        // worker's base and its compile child, never a zygote).
        try scratch.write("candidates/a_first.py", "NOTE = '\(token)'\ndef double(x):\n    return 2 * x\n")
        try scratch.write("candidates/b_second.py", CrossCandidateTests.scanner(for: token))
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run(
            ["batch", scratch.candidates, "--exercises-dir", scratch.exercises, "--jobs", "1", "--out", out, "--no-progress"],
            environment: environment)
        #expect(result.status == 0 || result.status == 1, "\(result.stderr)")
        var statuses: [String: String] = [:]
        var sandbox: [String] = []
        for line in BatchScratch.lines(out) {
            let record = try #require(line)
            let path = try #require(record["submission"] as? String)
            let exercises = try #require(record["exercises"] as? [[String: Any]])
            statuses[URL(fileURLWithPath: path).lastPathComponent] = exercises.first?["status"] as? String
            sandbox = ((record["grader"] as? [String: Any])?["sandbox"] as? [String]) ?? []
        }
        return (statuses, sandbox)
    }

    @Test func aLaterCandidateFindsNothingOfAnEarlierOneInMemory() throws {
        let (statuses, sandbox) = try Self.gradeBoth(environment: ["PYGRADE_SANDBOX_DISABLE": Self.nativeCode])
        #expect(sandbox.contains("scrubbed-memory"))
        #expect(statuses["a_first.py"] == "passed")
        // wrong_answer here: the scanner found the first candidate's source
        // (or, returning -1, found not even its own planted copy).
        #expect(statuses["b_second.py"] == "passed")
    }

    /// The same two candidates with the scrubbed-memory layer left out: the
    /// second finds the first's code (so the test above can fail, and it is
    /// this layer that holds), and every report says the layer is missing.
    @Test func withoutScrubbedMemoryTheSourceIsFound() throws {
        let (statuses, sandbox) = try Self.gradeBoth(environment: ["PYGRADE_SANDBOX_DISABLE": "scrubbed-memory," + Self.nativeCode])
        #expect(sandbox.contains("missing:scrubbed-memory"))
        #expect(statuses["a_first.py"] == "passed")
        #expect(statuses["b_second.py"] == "wrong_answer")
    }
    /// A POSIX message queue lives in the worker's IPC namespace, which every
    /// job of that worker shares: the first candidate leaves a message in
    /// one, the second reads it. Landlock happens to refuse `mq_open`, so
    /// this runs with Landlock left out: the seccomp filter must hold alone
    /// (its IPC rules, for a candidate with native code: no-native-code is
    /// left out too, or ctypes would not import).
    @Test func aMessageQueueCarriesNothingToTheNextCandidate() throws {
        let scratch = try BatchScratch()
        let queue = "/pygrade-\(UUID().uuidString.prefix(8))"
        let common = """
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            libc.mq_open.restype = ctypes.c_int
            libc.mq_open.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p]

            """
        try scratch.write(
            "candidates/a_first.py",
            common + """
                q = libc.mq_open(b"\(queue)", os.O_CREAT | os.O_WRONLY, 0o600, None)
                if q >= 0:
                    libc.mq_send(q, b"left for the next one", 21, 0)

                def double(x):
                    return 2 * x

                """)
        try scratch.write(
            "candidates/b_second.py",
            common + """
                received = 0
                q = libc.mq_open(b"\(queue)", os.O_RDONLY | os.O_NONBLOCK, 0, None)
                if q >= 0:
                    buf = ctypes.create_string_buffer(65536)
                    received = libc.mq_receive(q, buf, 65536, None)

                def double(x):
                    return 0 if received > 0 else 2 * x

                """)
        let out = scratch.path("results.jsonl")
        let result = try PygradeBinary.run(
            ["batch", scratch.candidates, "--exercises-dir", scratch.exercises, "--jobs", "1", "--out", out, "--no-progress"],
            environment: ["PYGRADE_SANDBOX_DISABLE": Self.nativeCode])
        #expect(result.status == 0, "\(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        #expect(records.count == 2)
        for record in records {
            let status = (record["exercises"] as? [[String: Any]])?.first?["status"] as? String
            #expect(status == "passed", "\(record["submission"] ?? ""): \(status ?? "none")")
        }
    }
}
