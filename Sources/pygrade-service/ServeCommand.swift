import ArgumentParser
import Foundation
import Logging
import PygradeKit
import PygradeQueue
import PygradeService

/// `serve`: the HTTP API, callbacks, and (unless `--workers 0`) grading slots.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the HTTP API over the job queue, with grading workers of its own (--workers 0: none)."
    )

    @Option(help: "HOST:PORT to listen on (without --keys, a loopback address only).")
    var listen: String = "127.0.0.1:8080"

    @OptionGroup var common: ServiceOptions

    @Option(
        help:
            "The job queue: sqlite:PATH (default sqlite:<data>/queue.sqlite3) or postgres://user[:password]@host:port/db (no password: $PGPASSWORD)."
    )
    var queue: String?

    @Option(help: "Grading slots of this node (default: the number of cores; 0: an API-only node).")
    var workers: Int?

    @Option(help: "The API keys file (YAML: keys: [{id, sha256, rate_per_minute, max_queued}]).")
    var keys: String?

    @Option(name: .customLong("max-attempts"), help: "Attempts of one submission before it is failed (dead letter).")
    var maxAttempts: Int = 3

    @Option(name: .customLong("callback-secret-file"), help: "A file holding the HMAC key callbacks are signed with.")
    var callbackSecretFile: String?

    @Option(name: .customLong("callback-allow-host"), help: "A host callbacks may reach whatever it resolves to (repeatable).")
    var callbackAllowHost: [String] = []

    @Option(name: .customLong("callback-tries"), help: "Tries of one callback before it is given up.")
    var callbackTries: Int = 5

    @Option(
        name: .customLong("max-long-polls"),
        help: "Waiting requests (?wait=N) one API key, or without keys one client address, may hold open at once.")
    var maxLongPolls: Int = APIConfiguration.defaultMaxLongPolls

    func validate() throws {
        if let workers, workers < 0 || workers > 256 { throw ValidationError("--workers must be between 0 and 256") }
        guard (1...100).contains(maxAttempts) else { throw ValidationError("--max-attempts must be between 1 and 100") }
        guard (1...50).contains(callbackTries) else { throw ValidationError("--callback-tries must be between 1 and 50") }
        guard (1...10_000).contains(maxLongPolls) else { throw ValidationError("--max-long-polls must be between 1 and 10000") }
        _ = try ListenAddress(listen)
    }

    func run() async throws {
        let address = try ListenAddress(listen)
        // Without keys anyone who reaches the port may submit: loopback only.
        if keys == nil && !address.isLoopback {
            throw ServiceStartError(
                "no API keys (--keys): refusing to listen on \(listen); without keys only a loopback address is allowed")
        }
        let data = try common.dataFolder()
        let catalog = try common.catalog()
        let location = try common.queueLocation(queue, data: data)
        let slots = workers ?? ProcessInfo.processInfo.activeProcessorCount
        let pygrade = slots > 0 ? try Binaries.pygrade() : ""
        let secret = try callbackSecretFile.map(Self.readSecret)
        let jobQueue = try await common.open(location)
        let metrics = ServiceMetrics()
        let logger = Logger(label: "pygrade-service")
        let node =
            slots > 0
            ? GradingNode(
                queue: jobQueue, catalog: catalog,
                configuration: NodeConfiguration(
                    slots: slots, leaseSeconds: common.lease, workerName: NodeConfiguration.defaultWorkerName(), dataFolder: data,
                    workerExecutable: pygrade),
                metrics: metrics) : nil
        let addressGuard = CallbackAddressGuard(allowedHosts: callbackAllowHost)
        let dispatcher = CallbackDispatcher(
            queue: jobQueue, configuration: CallbackConfiguration(secret: secret, tries: callbackTries, addressGuard: addressGuard),
            metrics: metrics)
        let http = try HTTPFrontEnd.make(
            HTTPFrontEndInputs(
                host: address.host, port: address.port, dataFolder: data, keysFile: keys, maxAttempts: maxAttempts,
                callbackGuard: addressGuard, grades: node != nil, workersUp: { node?.workersUp ?? false }, queue: jobQueue,
                metrics: metrics, catalog: catalog, exercisesSHA256: node?.exercisesSHA256 ?? "", maxLongPolls: maxLongPolls))
        var line = "pygrade-service: listening on http://\(listen), queue \(location), \(slots) worker\(slots == 1 ? "" : "s")"
        line += keys == nil ? "; no API keys: listening on loopback only" : "; API keys from \(keys ?? "")"
        if secret == nil { line += "; callbacks unsigned (no --callback-secret-file)" }
        FileHandle.standardError.write(Data((line + "\n").utf8))
        try await ServiceRunner.run(http: http, dispatcher: dispatcher, node: node, logger: logger)
        await jobQueue.close()
    }

    /// The callback key: the file's bytes, a trailing newline left out.
    static func readSecret(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ServiceStartError("--callback-secret-file \(path): missing or unreadable")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == UInt8(ascii: "\n") || last == UInt8(ascii: "\r") { bytes.removeLast() }
        guard bytes.count >= 16 else { throw ServiceStartError("--callback-secret-file \(path): a key needs at least 16 bytes") }
        return bytes
    }
}

/// `--listen HOST:PORT` (`[::1]:8080` for IPv6).
struct ListenAddress {
    var host: String
    var port: Int

    init(_ text: String) throws {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65535).contains(port) else {
            throw ValidationError("--listen must be HOST:PORT, not '\(text)'")
        }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { throw ValidationError("--listen must be HOST:PORT, not '\(text)'") }
        self.host = host
        self.port = port
    }

    /// (`127.example.com` is a name, not a loopback address.)
    var isLoopback: Bool { APIConfiguration.isLoopback(host) }
}
