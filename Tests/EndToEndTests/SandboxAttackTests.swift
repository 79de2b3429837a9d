import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// What the attack fixtures cannot show by their status alone: that the
/// thing an attack reaches for really exists, and that it stayed out of
/// reach (no connection arrived, no file appeared, no process was left).
@Suite("The sandbox holds against the attack fixtures")
struct SandboxAttackTests {
    static func grade(_ fixture: String, _ extra: [String] = []) throws -> (PygradeBinary.Result, [String: Any]) {
        let result = try PygradeBinary.run(
            ["grade", PygradeBinary.fixture(fixture), "--exercise", "duplicates", "--format", "json"] + extra)
        return (result, try result.json())
    }

    static func status(_ report: [String: Any]) -> String? {
        ((report["exercises"] as? [[String: Any]])?.first?["status"]) as? String
    }

    @Test func aListenerOnLoopbackReceivesNoConnection() throws {
        let port: UInt16 = 47631  // the port attack_socket_loopback.py tries
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(listener >= 0)
        defer { close(listener) }
        var one: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try #require(bound == 0, "port \(port) is taken: \(String(cString: strerror(errno)))")
        #expect(listen(listener, 16) == 0)
        _ = fcntl(listener, F_SETFL, O_NONBLOCK)

        // The listener is reachable from outside the sandbox...
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(probe, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        #expect(connected == 0)
        close(probe)
        let first = accept(listener, nil, nil)
        #expect(first >= 0, "the listener did not see our own connection")
        if first >= 0 { close(first) }

        // ...and not from inside it.
        for fixture in ["attack_socket_loopback.py", "attack_dns.py"] {
            let (result, report) = try Self.grade(fixture)
            #expect(Self.status(report) == "passed", "\(fixture): \(result.stdout)")
        }
        let late = accept(listener, nil, nil)
        #expect(late < 0 && errno == EAGAIN, "a job connected to 127.0.0.1:\(port)")
        if late >= 0 { close(late) }
    }

    @Test func writesOutsideScratchLeaveNoFile() throws {
        let name = "pygrade-attack-write-outside"
        let folders = ["/var/tmp", "/dev/shm", PygradeBinary.root.path, "/etc"]
        for folder in folders {
            var isDir: ObjCBool = false
            #expect(FileManager.default.fileExists(atPath: folder, isDirectory: &isDir) && isDir.boolValue, "\(folder) must exist")
            try? FileManager.default.removeItem(atPath: "\(folder)/\(name)")
        }
        try? FileManager.default.removeItem(atPath: "/var/tmp/pygrade-attack-symlink")
        for fixture in ["attack_write_outside.py", "attack_symlink_escape.py", "attack_many_files.py", "attack_disk_fill.py"] {
            let (result, report) = try Self.grade(fixture)
            let want = fixture == "attack_disk_fill.py" ? "output_limit_exceeded" : "passed"
            #expect(Self.status(report) == want, "\(fixture): \(result.stdout)")
        }
        for folder in folders {
            #expect(!FileManager.default.fileExists(atPath: "\(folder)/\(name)"), "a job wrote \(folder)/\(name)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/var/tmp/pygrade-attack-symlink"))
        // Nor did the scratch folder outlive its worker.
        let left = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp"))?.filter { $0.hasPrefix("pygrade-scratch-") } ?? []
        #expect(left.isEmpty, "scratch folders left behind: \(left)")
    }

    @Test func readsOfFilesThatExistFail() throws {
        // The files attack_read_files.py goes for exist and are readable here.
        for path in ["/etc/passwd", "Exercises/duplicates/exercise.yaml", "Exercises/duplicates/reference.py", "Fixtures/correct.py"] {
            let full = path.hasPrefix("/") ? path : PygradeBinary.root.appendingPathComponent(path).path
            #expect(FileManager.default.isReadableFile(atPath: full), "\(full) must be readable outside the sandbox")
        }
        let (result, report) = try Self.grade("attack_read_files.py")
        #expect(Self.status(report) == "passed", "a read succeeded: \(result.stdout)")
    }

    @Test func noProcessOutlivesTheAttackSuite() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-attacks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in [
            "attack_fork_bomb.py", "attack_threads_spinning.py", "attack_kill_all.py", "attack_kill_parent.py", "attack_memory_bomb.py",
            "attack_exec_shell.py", "attack_sleep.py",
        ] {
            try FileManager.default.copyItem(atPath: PygradeBinary.fixture(name), toPath: dir.appendingPathComponent(name).path)
        }
        let process = Process()
        process.executableURL = PygradeBinary.executable
        process.arguments = ["check", "--fixtures", dir.path]
        process.currentDirectoryURL = PygradeBinary.root
        process.environment = ProcessInfo.processInfo.environment.merging(["PYGRADE_CACHE": PygradeBinary.cache]) { $1 }
        let out = dir.appendingPathComponent("check.out")
        FileManager.default.createFile(atPath: out.path, contents: nil)
        process.standardOutput = FileHandle(forWritingAtPath: out.path)
        try process.run()
        // Every process that ever descended from the run, with its start
        // time (a pid can be reused).
        var seen = Set<ProcessEntry>()
        let start = Date()
        while process.isRunning && Date().timeIntervalSince(start) < 120 {
            seen.formUnion(ProcessEntry.descendants(of: process.processIdentifier))
            usleep(5000)
        }
        #expect(!process.isRunning, "pygrade check hung")
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let output = String(decoding: FileManager.default.contents(atPath: out.path) ?? Data(), as: UTF8.self)
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(!output.contains("FAIL"), "\(output)")
        #expect(seen.count >= 3, "saw too few processes to mean anything: \(seen.count)")
        usleep(200_000)
        let alive = ProcessEntry.all().filter { seen.contains($0) }
        #expect(alive.isEmpty, "left running: \(alive.map(\.pid))")
    }

    /// The PID namespace on its own, with seccomp and Landlock left out:
    /// kill(-1, SIGKILL) from a job reaches nothing outside the worker's
    /// namespace (a process of ours stays alive) and the grader carries on.
    @Test func killAllReachesNothingOutsideThePIDNamespace() throws {
        let sentinel = Process()
        sentinel.executableURL = URL(fileURLWithPath: "/bin/sleep")
        sentinel.arguments = ["60"]
        try sentinel.run()
        defer {
            // SIGKILL: the test runner's blocked signals are inherited.
            kill(sentinel.processIdentifier, SIGKILL)
            sentinel.waitUntilExit()
        }
        let result = try PygradeBinary.run(
            ["grade", PygradeBinary.fixture("attack_kill_all.py"), "--exercise", "duplicates", "--format", "json"],
            environment: ["PYGRADE_SANDBOX_DISABLE": "seccomp,landlock"])
        #expect(result.status == 1, "\(result.stderr)")
        let layers = try #require((try result.json()["grader"] as? [String: Any])?["sandbox"] as? [String])
        #expect(layers.contains("pidns") && layers.contains("missing:seccomp"), "\(layers)")
        #expect(sentinel.isRunning, "kill(-1) from a job reached a process outside the sandbox")
    }

    @Test func sourceWithNULBytesIsRefusedInOneLine() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-nul-\(UUID().uuidString).py")
        try Data("def find_duplicates(items):\n    return [\0]\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try PygradeBinary.run(["grade", file.path, "--exercise", "duplicates"])
        #expect(result.status == 2)
        #expect(result.stderr.contains(file.path) && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
    }

    /// Invalid UTF-8, NUL bytes and terminal escapes printed by a candidate
    /// do not break any report: visible tests show them (invalid bytes as
    /// U+FFFD, taken from the visible-only run: see ExerciseReportBuilder), hidden
    /// tests show nothing, the text report escapes the controls.
    @Test func binaryOutputKeepsTheReportValid() throws {
        let (result, report) = try Self.grade("attack_binary_output.py")
        #expect(Self.status(report) == "passed", "\(result.stdout)")
        let tests = try #require((report["exercises"] as? [[String: Any]])?.first?["tests"] as? [[String: Any]])
        #expect(!tests.isEmpty)
        for test in tests {
            let output = test["output"] as? String
            if test["visibility"] as? String == "visible" {
                #expect(output?.contains("\u{0}\u{1B}[2J ok\n") == true, "\(test)")
                #expect(output?.contains("\u{FFFD}") == true, "\(test)")
            } else {
                #expect(output == nil, "\(test)")
            }
        }
        let valid = try SchemaValidator.validate(result.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")
        let text = try PygradeBinary.run(["grade", PygradeBinary.fixture("attack_binary_output.py"), "--exercise", "duplicates"])
        #expect(text.stdout.contains("\\u{1B}[2J ok"), "\(text.stdout)")
        #expect(!text.stdout.contains("\u{1B}") && !text.stdout.contains("\u{0}"), "\(text.stdout)")
        let junit = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("attack_binary_output.py"), "--exercise", "duplicates", "--format", "junit",
        ])
        let cases = try XMLTree.parse(junit.stdout).all("testsuite").flatMap { $0.all("testcase") }
        #expect(cases.filter { $0.first("system-out") != nil }.count == 3)
    }
}

/// A process seen in /proc: its pid and start time.
struct ProcessEntry: Hashable {
    var pid: Int32
    var parent: Int32
    var started: UInt64

    static func == (a: ProcessEntry, b: ProcessEntry) -> Bool { a.pid == b.pid && a.started == b.started }
    func hash(into h: inout Hasher) {
        h.combine(pid)
        h.combine(started)
    }

    static func all() -> [ProcessEntry] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return names.compactMap { name in
            guard let pid = Int32(name), let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm)": state ppid ... field 22 is starttime.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 19, let ppid = Int32(fields[1]), let started = UInt64(fields[19]) else { return nil }
            return ProcessEntry(pid: pid, parent: ppid, started: started)
        }
    }

    static func descendants(of root: Int32) -> [ProcessEntry] {
        let processes = all()
        var inTree: Set<Int32> = [root]
        var out: [ProcessEntry] = []
        var grew = true
        while grew {
            grew = false
            for p in processes where !inTree.contains(p.pid) && inTree.contains(p.parent) {
                inTree.insert(p.pid)
                out.append(p)
                grew = true
            }
        }
        return out
    }
}
