import ArgumentParser
import Foundation
import PygradeKit

/// `pygrade doctor`: starts a worker exactly as grading does and prints each
/// sandbox layer it set up, or why it could not.
struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "List the sandbox layers active on this machine, and why any is missing.",
        discussion: "Exit status: 0 when the default policy (--sandbox \(SandboxPolicy.default.rawValue)) can run, 1 when it cannot."
    )

    func run() throws {
        let worker: WorkerClient
        do {
            worker = try WorkerClient()
        } catch {
            print("no worker could start, so nothing can be graded: \(error)")
            throw ExitCode(1)
        }
        defer { worker.shutdown() }
        let layers = worker.sandbox
        print("sandbox layers (uid \(getuid()), kernel \(Self.kernelRelease())):")
        let width = layers.map(\.name.count).max() ?? 0
        for layer in layers {
            let name = layer.name.padding(toLength: width, withPad: " ", startingAt: 0)
            print("  \(name)  \(layer.active ? "active " : "MISSING")  \(layer.detail)")
        }
        var defaultRuns = true
        for policy in SandboxPolicy.allCases {
            if let refusal = policy.refusal(layers) {
                print("--sandbox \(policy.rawValue): cannot run (\(refusal))")
                if policy == .default { defaultRuns = false }
            } else {
                let missing = layers.filter { !$0.active }.count
                print(
                    "--sandbox \(policy.rawValue): can run"
                        + (missing > 0 ? " (reports name the \(missing) missing layer\(missing == 1 ? "" : "s"))" : ""))
            }
        }
        throw ExitCode(defaultRuns ? 0 : 1)
    }

    static func kernelRelease() -> String {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
