import ArgumentParser
import Foundation

/// `pygrade serve ...` and `pygrade work ...`: the service lives in its own
/// binary (`pygrade-service`, next to this one) so that this one, which the
/// grader re-executes as its worker, links no HTTP, NIO or database code.
/// These commands replace this process with it (`execv`), arguments unchanged.
enum ServiceForwarding {
    static let binaryName = "pygrade-service"

    static func exec(_ subcommand: String, _ arguments: [String]) throws -> Never {
        let me = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        let path = URL(fileURLWithPath: me).deletingLastPathComponent().appendingPathComponent(binaryName).path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw CLIError.usage("\(binaryName) not found next to pygrade: build it with `swift build --product \(binaryName)`")
        }
        let argv = [path, subcommand] + arguments
        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cArgs.append(nil)
        execv(path, cArgs)
        throw CLIError.internal("cannot run \(path): \(String(cString: strerror(errno)))")
    }
}

struct ServeForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the grading service: an HTTP API over a job queue, with grading workers (pygrade-service serve).",
        discussion: "[--listen HOST:PORT] [--data DIR] [--queue sqlite:PATH|postgres://...] [--workers N] ... (runs pygrade-service serve)"
    )

    @Argument(parsing: .captureForPassthrough, help: "The options of `pygrade-service serve`.")
    var arguments: [String] = []

    func run() throws { try ServiceForwarding.exec("serve", arguments) }
}

struct WorkForwardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "work",
        abstract: "Grade submissions from a shared queue: a worker for pygrade serve (pygrade-service work).",
        discussion: "--queue postgres://... [--jobs N] ... (runs pygrade-service work)"
    )

    @Argument(parsing: .captureForPassthrough, help: "The options of `pygrade-service work`.")
    var arguments: [String] = []

    func run() throws { try ServiceForwarding.exec("work", arguments) }
}
