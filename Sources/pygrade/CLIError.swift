import ArgumentParser

/// Errors the CLI reports as one line, with their exit status (ExitStatus).
enum CLIError: Error, CustomStringConvertible {
    /// Bad usage or unreadable input: exit 2.
    case usage(String)
    /// The grader itself failed: exit 3.
    case `internal`(String)
    /// A batch that graded everything it could read, but not everything: exit 4.
    case someUnreadable(String)

    var description: String {
        switch self {
        case .usage(let m), .internal(let m), .someUnreadable(let m): m
        }
    }

    var exitCode: Int32 {
        switch self {
        case .usage: ExitStatus.usage.rawValue
        case .internal: ExitStatus.internal.rawValue
        case .someUnreadable: ExitStatus.someUnreadable.rawValue
        }
    }
}
