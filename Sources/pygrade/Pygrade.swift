import ArgumentParser
import Foundation
import PygradeKit
import PygradeWorker

@main
struct Pygrade {
    static func main() {
        // The worker must start before anything that could spawn threads.
        if CommandLine.arguments.count == 2 && CommandLine.arguments[1] == "__worker" {
            Worker.main()
        }
        // A worker that dies must surface as an error, not kill us by SIGPIPE.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try PygradeCommand.parseAsRoot()
            try command.run()
        } catch let e as CLIError {
            fail(e.description, code: e.exitCode)
        } catch let e as ExitCode {
            exit(e.rawValue)
        } catch {
            let code = PygradeCommand.exitCode(for: error)
            if code == .success {
                print(PygradeCommand.fullMessage(for: error))
                exit(0)
            }
            // Bad usage is exit 2 (ExitStatus.usage), in one line.
            fail(
                PygradeCommand.message(for: error).split(separator: "\n").first.map(String.init) ?? "bad usage",
                code: ExitStatus.usage.rawValue)
        }
    }

    /// One line on stderr. It names a path, and a path may hold any byte
    /// (a candidate's file named `\e]0;pwned\a.py`): shown escaped.
    static func fail(_ message: String, code: Int32) -> Never {
        FileHandle.standardError.write(Data("pygrade: \(TerminalText.escapingControls(message))\n".utf8))
        exit(code)
    }
}

struct PygradeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pygrade",
        abstract: "Grade Python solutions to coding exercises, in a sandbox.",
        version: PygradeVersion.current,
        subcommands: [
            GradeCommand.self, BatchCommand.self, CheckCommand.self, SimilarCommand.self, ListCommand.self, DoctorCommand.self, ServeForwardCommand.self,
            WorkForwardCommand.self,
        ]
    )
}
