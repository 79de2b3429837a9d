import ArgumentParser

/// Errors the CLI reports as one line, with SPEC §3's exit status.
enum CLIError: Error, CustomStringConvertible {
    /// Bad usage or unreadable input: exit 2.
    case usage(String)
    /// The grader itself failed: exit 3.
    case `internal`(String)

    var description: String {
        switch self {
        case .usage(let m), .internal(let m): m
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: 2
        case .internal: 3
        }
    }
}
