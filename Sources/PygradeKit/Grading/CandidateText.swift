import Foundation

/// What may be said of a job child's text in a report.
///
/// A job child of the normal run holds every test's inputs, hidden ones
/// included, and the candidate's code in it can put any text into what comes
/// back: an exception's message, the name of a class it defined (`type(secret,
/// (Exception,), {})`), or a whole frame written straight into the result
/// channel (fd 3). So no text of that run reaches a report as it came: only
/// what this type rebuilds from a fixed vocabulary; how the worker saw a
/// child end is a code it sends, worded by FailureWords.
///
/// Even a name from a fixed vocabulary is a choice the candidate makes per
/// test: 69 builtin exceptions are about 6 bits of a hidden input per test
/// (`raise [ValueError, KeyError, ...][ord(s[0]) % 69]`). So the normal run
/// names only what the interpreter raises or returns on its own at a limit
/// or by a common mistake (`sayableExceptions`, `sayableTypes`): a hidden
/// test's words then carry its status and one of a few kinds, no more.
/// Candidate-controlled text is shown only from the visible-only run, whose
/// worker never held a hidden input (Grader.grade).
public enum CandidateText {
    /// The exceptions a normal run names: the interpreter's own at a limit
    /// (deep recursion, memory), the feedback a hidden test of size is for.
    static let sayableExceptions: Set<String> = ["RecursionError", "MemoryError"]

    /// The result type a normal run names: the common mistake of returning a
    /// generator (`yield`) where a list is expected.
    static let sayableTypes: Set<String> = ["generator"]

    /// A normal run's child's words about an exception (an outcome's
    /// `detail`, or the load message), reduced to what is safe to show of
    /// any test: `raised RecursionError`, `raised MemoryError`, else `raised
    /// an exception`. Nil when nothing of it may be shown. (How the worker
    /// saw a child end is a code, not text: FailureWords.)
    static func safeDetail(_ detail: String?) -> String? {
        guard let detail, detail.hasPrefix("raised ") else { return nil }
        let name = detail.dropFirst("raised ".count).prefix { $0 != ":" }
        return sayableExceptions.contains(String(name)) ? "raised \(name)" : "raised an exception"
    }

    /// The type name a normal run may say of a result that is not plain
    /// data (`sayableTypes`), or nil.
    static func safeTypeName(_ name: String?) -> String? {
        guard let name, sayableTypes.contains(name) else { return nil }
        return name
    }

    /// A missing entry point: the child says which of two things it is.
    static func safeMissing(_ message: String?) -> String {
        message == "is not callable" ? "is not callable" : "is not defined"
    }

    /// How many of the names a file defines a `missing` message lists, and
    /// how many characters of each it shows.
    static let listedNames = 8
    static let listedNameLength = 40

    /// What a file defines, for a `missing` message: "find_dupes, helper",
    /// the first `listedNames` with "and 4 more", each cut to
    /// `listedNameLength` characters with a mark. The names come from the
    /// compile child (JobResponse.definedNames), never from a job child.
    /// Terminals get them escaped by the report that prints them, like any
    /// other text the candidate chose.
    static func definedNames(_ names: [String]) -> String {
        guard !names.isEmpty else { return "no function or class" }
        let shown = names.prefix(listedNames).map { $0.count > listedNameLength ? $0.prefix(listedNameLength) + "…" : $0 }
        let more = names.count - shown.count
        return shown.joined(separator: ", ") + (more > 0 ? " and \(more) more" : "")
    }
}
