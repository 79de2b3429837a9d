import Foundation
import Logging

/// Where the queue is, as given on the command line (`--queue URL`):
/// `sqlite:PATH` (the embedded default) or
/// `postgres://user:password@host:port/database` (`postgresql://` too).
public enum QueueLocation: Sendable, Equatable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresEndpoint)

    /// Parses a queue URL; a bad one is a `QueueError(.badURL)` whose
    /// message shows the URL with its password hidden.
    public init(parsing text: String) throws {
        if text.hasPrefix("sqlite:") {
            var path = String(text.dropFirst("sqlite:".count))
            // `sqlite:///var/x.db` names the same file as `sqlite:/var/x.db`.
            if path.hasPrefix("//") { path = String(path.dropFirst(2)) }
            guard !path.isEmpty, !path.contains("\0") else {
                throw Self.bad(text, "has no file path after 'sqlite:'")
            }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw Self.bad(text, "is neither sqlite:PATH nor postgres://user:password@host:port/database")
        }
        guard let parts = URLComponents(string: text) else { throw Self.bad(text, "is not a well-formed URL") }
        guard let host = parts.host, !host.isEmpty else { throw Self.bad(text, "names no host") }
        guard let user = parts.user, !user.isEmpty else { throw Self.bad(text, "names no user") }
        if let port = parts.port, !(1...65535).contains(port) { throw Self.bad(text, "has a port outside 1 to 65535") }
        var database = parts.path
        if database.hasPrefix("/") { database.removeFirst() }
        if database.contains("/") { throw Self.bad(text, "has a path that is not one database name") }
        var tls = PostgresEndpoint.TLSMode.prefer
        for item in parts.queryItems ?? [] {
            guard item.name == "sslmode", let mode = item.value.flatMap(PostgresEndpoint.TLSMode.init(rawValue:)) else {
                throw Self.bad(text, "has a parameter other than sslmode=disable, prefer or require")
            }
            tls = mode
        }
        let unbracketed = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        // URLComponents gives user, password, host and path decoded.
        self = .postgres(
            PostgresEndpoint(
                host: unbracketed, port: parts.port ?? 5432, username: user, password: parts.password,
                database: database.isEmpty ? user : database,
                tls: tls))
    }

    /// The location with any password hidden.
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let endpoint): endpoint.redacted
        }
    }

    /// Opens the queue (creating its tables when missing).
    public func open(logger: Logger = Logger(label: "pygrade.queue")) async throws -> any JobQueue {
        switch self {
        case .sqlite(let path): try SQLiteQueue(path: path)
        case .postgres(let endpoint): try await PostgresQueue(endpoint, logger: logger)
        }
    }

    private static func bad(_ text: String, _ problem: String) -> QueueError {
        QueueError(.badURL, "The queue URL '\(redact(text))' \(problem).")
    }

    /// Hides what stands between `user:` and `@` in the authority, even in a
    /// URL too broken to parse.
    static func redact(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let rest = text[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?#".contains($0) }) ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
