import Foundation

/// What may be said of a job child's text in a report.
///
/// A job child of the normal run holds every test's inputs, hidden ones
/// included, and the candidate's code in it can put any text into what comes
/// back: an exception's message, the name of a class it defined (`type(secret,
/// (Exception,), {})`), or a whole frame written straight into the result
/// channel (fd 3). So no text of that run reaches a report as it came: only
/// what this type rebuilds from a fixed vocabulary (the names of the builtin
/// exceptions and types, the worker's own descriptions of how a child ended).
/// Candidate-controlled text is shown only from the visible-only run, whose
/// worker never held a hidden input (Grader.grade).
public enum CandidateText {
    /// Python's builtin exception classes: the only exception names the
    /// normal run may report. Any other name is the candidate's to choose.
    static let builtinExceptions: Set<String> = [
        "ArithmeticError", "AssertionError", "AttributeError", "BaseException", "BaseExceptionGroup", "BlockingIOError",
        "BrokenPipeError", "BufferError", "BytesWarning", "ChildProcessError", "ConnectionAbortedError", "ConnectionError",
        "ConnectionRefusedError", "ConnectionResetError", "DeprecationWarning", "EOFError", "EncodingWarning", "EnvironmentError",
        "Exception", "ExceptionGroup", "FileExistsError", "FileNotFoundError", "FloatingPointError", "FutureWarning",
        "GeneratorExit", "IOError", "ImportError", "ImportWarning", "IndentationError", "IndexError", "InterruptedError",
        "IsADirectoryError", "KeyError", "KeyboardInterrupt", "LookupError", "MemoryError", "ModuleNotFoundError", "NameError",
        "NotADirectoryError", "NotImplementedError", "OSError", "OverflowError", "PendingDeprecationWarning", "PermissionError",
        "ProcessLookupError", "RecursionError", "ReferenceError", "ResourceWarning", "RuntimeError", "RuntimeWarning",
        "StopAsyncIteration", "StopIteration", "SyntaxError", "SyntaxWarning", "SystemError", "SystemExit", "TabError",
        "TimeoutError", "TypeError", "UnboundLocalError", "UnicodeDecodeError", "UnicodeEncodeError", "UnicodeError",
        "UnicodeTranslateError", "UnicodeWarning", "UserWarning", "ValueError", "Warning", "ZeroDivisionError",
    ]

    /// Builtin types a result may have that are not plain data (the names the
    /// encoder gives, `Py_TYPE(o)->tp_name`).
    static let builtinTypes: Set<String> = [
        "generator", "coroutine", "async_generator", "function", "builtin_function_or_method", "method", "type", "module",
        "object", "complex", "bytearray", "memoryview", "range", "slice", "map", "filter", "zip", "enumerate", "reversed",
        "list_iterator", "list_reverseiterator", "tuple_iterator", "set_iterator", "str_ascii_iterator", "str_iterator",
        "bytes_iterator", "range_iterator", "dict_keys", "dict_values", "dict_items", "dict_keyiterator",
        "dict_valueiterator", "dict_itemiterator", "property", "staticmethod", "classmethod", "ellipsis", "NotImplementedType",
        "cell", "code", "frame", "traceback", "mappingproxy", "itertools.count", "itertools.chain", "itertools.repeat",
        "itertools.cycle", "collections.deque", "collections.OrderedDict", "collections.defaultdict", "Counter",
        "OrderedDict", "defaultdict", "deque", "array.array", "decimal.Decimal", "Decimal", "Fraction",
    ]

    public static let budget = WorkerPhrases.budget
    public static let notRunBudget = WorkerPhrases.notRunBudget
    public static let flood = WorkerPhrases.flood
    public static let notRunFlood = WorkerPhrases.notRunFlood

    /// The worker's own words for how a child ended (JobRunner.classify), with
    /// their numbers bounded: a number the candidate could choose is a channel.
    static let workerPhrases: [String] = [
        budget, notRunBudget, flood, notRunFlood,
        "loading the submission took too long", "ran past the wall-clock limit",
        "loading the submission used all its CPU time", "used all its CPU time",
        "wrote forged data into the result channel", "closed its result channel and kept running",
        "wrote a file larger than allowed", "made a forbidden system call",
        "raised MemoryError: no memory left to encode the result",
    ]
    static let signals = ["SIGSEGV", "SIGBUS", "SIGABRT", "SIGILL", "SIGFPE"]

    /// A normal run's description of a failure (an outcome's `detail`, or
    /// the load message), reduced to what is safe to show of any test: the
    /// worker's own phrases, or `raised <builtin exception>`. Nil when
    /// nothing of it may be shown.
    static func safeDetail(_ detail: String?, outputLimit: Int) -> String? {
        guard let detail, !detail.isEmpty else { return nil }
        if workerPhrases.contains(detail) { return detail }
        if detail == "printed more than \(outputLimit) bytes" { return detail }
        for s in signals where detail == "crashed (\(s))" || detail == "crashed (\(s)) at the memory limit" { return detail }
        if let n = number(after: "killed by signal ", in: detail, suffix: ""), n < 65 { return detail }
        if let n = number(after: "the process exited during the test (exit code ", in: detail, suffix: ")"), n < 256 {
            return detail
        }
        if detail.hasPrefix("raised ") {
            let name = detail.dropFirst("raised ".count).prefix { $0 != ":" }
            return builtinExceptions.contains(String(name)) ? "raised \(name)" : "raised an exception of a class that is not a builtin one"
        }
        return nil
    }

    /// Whether `safeDetail` dropped something: only then is there text worth
    /// a run of the visible tests alone.
    static func saysMore(_ detail: String?, outputLimit: Int) -> Bool {
        guard let detail, !detail.isEmpty else { return false }
        return safeDetail(detail, outputLimit: outputLimit) != detail
    }

    /// The type name of a result that is not plain data, if it is a builtin's.
    static func safeTypeName(_ name: String?) -> String? {
        guard let name, builtinTypes.contains(name) else { return nil }
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

    private static func number(after prefix: String, in s: String, suffix: String) -> Int? {
        guard s.hasPrefix(prefix), s.hasSuffix(suffix), s.count > prefix.count + suffix.count else { return nil }
        let digits = s.dropFirst(prefix.count).dropLast(suffix.count)
        guard digits.count <= 3, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }
}
