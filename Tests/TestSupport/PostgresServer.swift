import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A throw-away PostgreSQL cluster for tests: Debian's server binaries,
/// `initdb` into a temporary folder (as the `postgres` user when the tests
/// run as root, since the server refuses to run as root), password (SCRAM)
/// authentication, listening on 127.0.0.1 on a free port with its socket
/// inside that folder. `shared` is started once per test process and stopped
/// (`pg_ctl stop -m immediate`, folder removed) when the process exits,
/// or, if the process is killed, by a watchdog shell that outlives it.
public actor PostgresServer {
    public static let shared = PostgresServer()

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// What a started cluster is.
    struct Cluster: Sendable {
        var bin: String
        var folder: String
        var data: String { folder + "/data" }
        var port: Int
        var password: String
        var asPostgres: Bool

        func url(database: String) -> String { "postgres://pygrade:\(password)@127.0.0.1:\(port)/\(database)" }
    }

    private var starting: Task<Cluster, any Error>?
    private var databases = 0

    public init() {}

    /// The URL of the cluster's `postgres` database, starting it if needed.
    public func url() async throws -> String { try await cluster().url(database: "postgres") }

    /// A new, empty database in the cluster, for one test: its URL.
    public func createDatabase() async throws -> String {
        let cluster = try await cluster()
        databases += 1
        let name = "test_\(databases)_\(UUID().uuidString.prefix(8).lowercased())"
        try await psql("CREATE DATABASE \(name)")
        return cluster.url(database: name)
    }

    /// Runs SQL with psql in the `postgres` database (or `database`); what
    /// it printed (unaligned, tuples only).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") async throws -> String {
        let cluster = try await cluster()
        let (status, output) = try await Self.run(
            cluster.bin + "/psql",
            ["-h", "127.0.0.1", "-p", "\(cluster.port)", "-U", "pygrade", "-d", database, "-v", "ON_ERROR_STOP=1", "-qAt", "-c", sql],
            environment: ["PGPASSWORD": cluster.password])
        guard status == 0 else { throw Failure(description: "psql failed on '\(sql)': \(output)") }
        return output
    }

    /// Stops the cluster now (`pg_ctl stop -m immediate`) and removes its folder.
    public func stop() async {
        guard let starting, let cluster = try? await starting.value else { return }
        Self.stopNow(cluster)
        self.starting = nil
    }

    private func cluster() async throws -> Cluster {
        if let starting { return try await starting.value }
        let task = Task { try await Self.start() }
        starting = task
        return try await task.value
    }

    // MARK: Starting

    private static func start() async throws -> Cluster {
        let bin = try findBinaries()
        let asPostgres = getuid() == 0
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let password = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        _ = FileManager.default.createFile(
            atPath: folder + "/pwfile", contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        if asPostgres {
            guard let user = getpwnam("postgres") else {
                throw Failure(description: "The tests run as root and this machine has no 'postgres' user to run PostgreSQL as.")
            }
            for path in [folder, folder + "/pwfile"] { chown(path, user.pointee.pw_uid, user.pointee.pw_gid) }
        }
        var cluster = Cluster(bin: bin, folder: folder, port: 0, password: password, asPostgres: asPostgres)
        // Before anything runs in the folder: a test process killed during
        // the start leaves no server and no folder behind either.
        registerCleanup(cluster)
        let (status, output) = try await run(
            bin + "/initdb",
            [
                "-D", cluster.data, "-U", "pygrade", "--pwfile=\(folder)/pwfile", "--auth=scram-sha-256", "-E", "UTF8",
                "--locale=C", "--no-sync",
            ], asPostgres: asPostgres)
        guard status == 0 else {
            stopNow(cluster)
            throw Failure(description: "initdb failed: \(output)")
        }
        try appendSettings(cluster)
        // A free port can be taken between the probe and the server's bind: try a few.
        var lastOutput = ""
        for _ in 0..<5 {
            cluster.port = try LoopbackPort.free()
            let (status, output) = try await run(
                bin + "/pg_ctl",
                ["-D", cluster.data, "-l", folder + "/server.log", "-w", "-t", "60", "-o", "-p \(cluster.port)", "start"],
                asPostgres: asPostgres)
            if status == 0 { return cluster }
            lastOutput = output + ((try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "")
        }
        stopNow(cluster)
        throw Failure(description: "PostgreSQL did not start: \(lastOutput)")
    }

    private static func findBinaries() throws -> String {
        let root = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
            .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
            .sorted { (Double($0) ?? 0) > (Double($1) ?? 0) }
        guard let newest = versions.first else {
            throw Failure(
                description:
                    "These tests need PostgreSQL and found no \(root)/*/bin/initdb: run scripts/setup.sh (apt-get install postgresql).")
        }
        return "\(root)/\(newest)/bin"
    }

    /// Loopback only, the socket in the cluster's folder, and no durability:
    /// the cluster dies with the tests.
    private static func appendSettings(_ cluster: Cluster) throws {
        let settings = """

            listen_addresses = '127.0.0.1'
            unix_socket_directories = '\(cluster.folder)'
            max_connections = 300
            fsync = off
            synchronous_commit = off
            full_page_writes = off

            """
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: cluster.data + "/postgresql.conf"))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
    }
}

// MARK: Processes and clean-up

extension PostgresServer {
    /// Runs a program to its end without blocking a thread of the
    /// cooperative pool; its exit status and what it printed. Spawned here
    /// rather than with Foundation's `Process`, which learns that a child
    /// ended from a socket the child inherits: the server that `pg_ctl start`
    /// leaves behind would inherit it too, and the start would never end.
    static func run(
        _ program: String, _ arguments: [String], asPostgres: Bool = false, environment: [String: String] = [:]
    ) async throws -> (Int32, String) {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-pg-\(UUID().uuidString).out").path
        guard FileManager.default.createFile(atPath: log, contents: nil) else {
            throw Failure(description: "No output file for \(program) at \(log).")
        }
        defer { try? FileManager.default.removeItem(atPath: log) }
        let pid = try spawn(command(program, arguments, asPostgres: asPostgres), environment: environment, output: log)
        let status = await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: waitFor(pid)) }
        }
        return (status, (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
    }

    /// `program arguments`, through `runuser -u postgres` when asked.
    static func command(_ program: String, _ arguments: [String], asPostgres: Bool) -> [String] {
        asPostgres ? ["/usr/sbin/runuser", "-u", "postgres", "--", program] + arguments : [program] + arguments
    }

    /// Starts `argv` with no descriptor of this process but standard input
    /// from /dev/null and standard output and error to `output`.
    static func spawn(_ argv: [String], environment: [String: String] = [:], output: String = "/dev/null") throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_APPEND, 0)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)
        let variables = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0)=\($1)" }
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = variables.map { strdup($0) } + [nil]
        defer { (cArguments + cEnvironment).forEach { free($0) } }
        var pid = pid_t()
        let code = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard code == 0 else { throw Failure(description: "\(argv[0]) cannot be run: \(String(cString: strerror(code))).") }
        return pid
    }

    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which Swift
    /// does not import: found at run time, else every open descriptor is
    /// named from /proc/self/fd.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for fd in open.compactMap(Int32.init) where fd > 2 {
            posix_spawn_file_actions_addclose(&actions, fd)
        }
    }

    /// Blocks until `pid` ends; its exit status (128 + signal when killed).
    static func waitFor(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            if errno != EINTR { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// The clusters to stop when the process exits.
    nonisolated(unsafe) private static var running: [Cluster] = []
    private static let runningLock = NSLock()

    static func registerCleanup(_ cluster: Cluster) {
        runningLock.withLock {
            if running.isEmpty { atexit { PostgresServer.stopAllAtExit() } }
            running.append(cluster)
        }
        // A shell that waits for this process to end, however it ends, then
        // stops the cluster and removes its folder.
        let stopLine = stopCommand(cluster).map(shellQuoted).joined(separator: " ")
        let script = "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stopLine); rm -rf \(shellQuoted(cluster.folder))"
        if let pid = try? spawn(["/bin/sh", "-c", script]) {
            // Reaped when it ends, so that it leaves no zombie behind.
            DispatchQueue.global().async { _ = waitFor(pid) }
        }
    }

    static func stopCommand(_ cluster: Cluster) -> [String] {
        command(cluster.bin + "/pg_ctl", ["-D", cluster.data, "-m", "immediate", "stop"], asPostgres: cluster.asPostgres)
    }

    static func stopNow(_ cluster: Cluster) {
        runningLock.withLock { running.removeAll { $0.folder == cluster.folder } }
        if let pid = try? spawn(stopCommand(cluster)) { _ = waitFor(pid) }
        try? FileManager.default.removeItem(atPath: cluster.folder)
    }

    static func stopAllAtExit() {
        let clusters = runningLock.withLock { running }
        for cluster in clusters { stopNow(cluster) }
    }

    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
