import ArgumentParser
import Foundation
import PygradeService

/// `pygrade-service serve ...` and `pygrade-service work ...` (also reached
/// as `pygrade serve` / `pygrade work`, which exec this binary).
@main
struct PygradeServiceMain {
    static func main() async {
        // A worker that dies must surface as an error, not kill us by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try ServiceCommand.parseAsRoot()
            if var async = command as? AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let e as ServiceStartError {
            fail(e.message, code: 2)
        } catch {
            let code = ServiceCommand.exitCode(for: error)
            if code == .success {
                print(ServiceCommand.fullMessage(for: error))
                exit(0)
            }
            let message = ServiceCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage"
            fail(message, code: code == .validationFailure ? 2 : code.rawValue)
        }
        exit(0)
    }

    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("pygrade-service: \(message)\n".utf8))
        exit(code)
    }
}

struct ServiceCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pygrade-service",
        abstract: "The pygrade grading service: an HTTP API over a job queue, and grading workers.",
        subcommands: [ServeCommand.self, WorkCommand.self]
    )
}

/// Why the service does not start: one line, exit 2.
struct ServiceStartError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
