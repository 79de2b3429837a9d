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
        _ = FileManager.default.createFile(atPath: folder + "/pwfile", contents: Data(password.utf8), attributes: [.posixPermissions: 0o600])
        if asPostgres {
            guard let user = getpwnam("postgres") else {
                throw Failure(description: "The tests run as root and this machine has no 'postgres' user to run PostgreSQL as.")
            }
            for path in [folder, folder + "/pwfile"] { chown(path, user.pointee.pw_uid, user.pointee.pw_gid) }
        }
        var cluster = Cluster(bin: bin, folder: folder, port: 0, password: password, asPostgres: asPostgres)
        let (status, output) = try await run(
            bin + "/initdb",
            [
                "-D", cluster.data, "-U", "pygrade", "--pwfile=\(folder)/pwfile", "--auth=scram-sha-256", "-E", "UTF8",
                "--locale=C", "--no-sync",
            ], asPostgres: asPostgres)
        guard status == 0 else { throw Failure(description: "initdb failed: \(output)") }
        try appendSettings(cluster)
        // A free port can be taken between the probe and the server's bind: try a few.
        var lastOutput = ""
        for _ in 0..<5 {
            cluster.port = try freePort()
            let (status, output) = try await run(
                bin + "/pg_ctl",
                ["-D", cluster.data, "-l", folder + "/server.log", "-w", "-t", "60", "-o", "-p \(cluster.port)", "start"],
                asPostgres: asPostgres)
            if status == 0 {
                registerCleanup(cluster)
                return cluster
            }
            lastOutput = output + ((try? String(contentsOfFile: folder + "/server.log", encoding: .utf8)) ?? "")
        }
        try? FileManager.default.removeItem(atPath: folder)
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

    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "No socket for a free port: errno \(errno).") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw Failure(description: "No free loopback port: errno \(errno).") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

// MARK: Processes and clean-up

extension PostgresServer {
    /// Runs a program to its end without blocking a thread of the
    /// cooperative pool; its exit status and what it printed.
    static func run(
        _ program: String, _ arguments: [String], asPostgres: Bool = false, environment: [String: String] = [:]
    ) async throws -> (Int32, String) {
        let process = command(program, arguments, asPostgres: asPostgres)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-pg-\(UUID().uuidString).out")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: log) }
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: Failure(description: "\(program) cannot be run: \(error)"))
            }
        }
        try? handle.close()
        return (status, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// `program arguments`, through `runuser -u postgres` when asked.
    static func command(_ program: String, _ arguments: [String], asPostgres: Bool) -> Process {
        let process = Process()
        if asPostgres {
            process.executableURL = URL(fileURLWithPath: "/usr/sbin/runuser")
            process.arguments = ["-u", "postgres", "--", program] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
        }
        return process
    }

    /// The clusters to stop when the process exits.
    nonisolated(unsafe) private static var running: [Cluster] = []
    private static let runningLock = NSLock()
    /// The watchdogs, kept so that Foundation keeps no claim on them.
    nonisolated(unsafe) private static var watchdogs: [Process] = []

    static func registerCleanup(_ cluster: Cluster) {
        runningLock.withLock {
            if running.isEmpty && watchdogs.isEmpty { atexit { PostgresServer.stopAllAtExit() } }
            running.append(cluster)
            // A shell that waits for this process to end, however it ends,
            // then stops the cluster and removes its folder.
            let stop = command(cluster.bin + "/pg_ctl", ["-D", cluster.data, "-m", "immediate", "stop"], asPostgres: cluster.asPostgres)
            let stopLine = ([stop.executableURL?.path ?? ""] + (stop.arguments ?? [])).map(shellQuoted).joined(separator: " ")
            let watchdog = Process()
            watchdog.executableURL = URL(fileURLWithPath: "/bin/sh")
            watchdog.arguments = [
                "-c",
                "while kill -0 \(getpid()) 2>/dev/null; do sleep 1; done; \(stopLine) >/dev/null 2>&1; rm -rf \(shellQuoted(cluster.folder))",
            ]
            watchdog.standardInput = FileHandle.nullDevice
            watchdog.standardOutput = FileHandle.nullDevice
            watchdog.standardError = FileHandle.nullDevice
            if (try? watchdog.run()) != nil { watchdogs.append(watchdog) }
        }
    }

    static func stopNow(_ cluster: Cluster) {
        runningLock.withLock { running.removeAll { $0.folder == cluster.folder } }
        let stop = command(cluster.bin + "/pg_ctl", ["-D", cluster.data, "-m", "immediate", "stop"], asPostgres: cluster.asPostgres)
        stop.standardOutput = FileHandle.nullDevice
        stop.standardError = FileHandle.nullDevice
        if (try? stop.run()) != nil { stop.waitUntilExit() }
        try? FileManager.default.removeItem(atPath: cluster.folder)
    }

    static func stopAllAtExit() {
        let clusters = runningLock.withLock { running }
        for cluster in clusters { stopNow(cluster) }
    }

    static func shellQuoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'" }
}
