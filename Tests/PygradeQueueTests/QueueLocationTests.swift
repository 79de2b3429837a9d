import Foundation
import Testing

@testable import PygradeQueue

@Suite struct QueueLocationTests {
    @Test func sqliteTakesThePathAfterTheScheme() throws {
        #expect(try QueueLocation(parsing: "sqlite:/var/lib/pygrade/queue.sqlite") == .sqlite(path: "/var/lib/pygrade/queue.sqlite"))
        #expect(try QueueLocation(parsing: "sqlite:data/q.db") == .sqlite(path: "data/q.db"))
        #expect(try QueueLocation(parsing: "sqlite:///tmp/q.db") == .sqlite(path: "/tmp/q.db"))
    }

    @Test func postgresTakesEveryPart() throws {
        let location = try QueueLocation(parsing: "postgres://grader:s%40cret@db.internal:6543/pygrade?sslmode=require")
        #expect(
            location
                == .postgres(
                    PostgresEndpoint(
                        host: "db.internal", port: 6543, username: "grader", password: "s@cret", database: "pygrade", tls: .require)))
        #expect(location.description == "postgres://grader:***@db.internal:6543/pygrade")
        let short = try QueueLocation(parsing: "postgresql://grader@localhost")
        #expect(
            short
                == .postgres(PostgresEndpoint(host: "localhost", port: 5432, username: "grader", password: nil, database: "grader")))
    }

    @Test(arguments: [
        ("mysql://root:hunter2@db/x", "is neither sqlite:PATH nor postgres://user:password@host:port/database"),
        ("sqlite:", "has no file path after 'sqlite:'"),
        ("postgres://root:hunter2@/x", "names no host"),
        ("postgres://db.internal/x", "names no user"),
        ("postgres://root:hunter2@db:99999/x", "has a port outside 1 to 65535"),
        ("postgres://root:hunter2@db/x/y", "has a path that is not one database name"),
        ("postgres://root:hunter2@db/x?sslmode=maybe", "has a parameter other than sslmode=disable, prefer or require"),
        ("queue.sqlite", "is neither sqlite:PATH nor postgres://user:password@host:port/database"),
    ])
    func aBadURLIsOneSentenceWithoutItsPassword(url: String, problem: String) throws {
        let error = try #require(throws: QueueError.self) { try QueueLocation(parsing: url) }
        #expect(error.code == .badURL)
        #expect(!error.message.contains("hunter2"))
        #expect(error.message.hasPrefix("The queue URL '") && error.message.hasSuffix("\(problem)."))
        if url.contains("hunter2") { #expect(error.message.contains(":***@")) }
    }
}
