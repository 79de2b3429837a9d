import Foundation

/// What may be said of a job child's text in a report.
///
/// A job child of the normal run holds every test's inputs, hidden ones
/// included, and the candidate's code in it can put any text into what comes
/// back: an exception's message, the name of a class it defined (`type(secret,
/// (Exception,), {})`), or a whole frame written straight into the result
/// channel (fd 3). So no text of that run reaches a report as it came: only
/// what this type rebuilds from a fixed vocabulary (the names of the builtin
/// exceptions and types); how the worker saw a child end is a code it sends,
/// worded by FailureWords.
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

    /// A normal run's child's words about an exception (an outcome's
    /// `detail`, or the load message), reduced to what is safe to show of
    /// any test: `raised <builtin exception>`. Nil when nothing of it may be
    /// shown. (How the worker saw a child end is a code, not text:
    /// FailureWords.)
    static func safeDetail(_ detail: String?) -> String? {
        guard let detail, detail.hasPrefix("raised ") else { return nil }
        let name = detail.dropFirst("raised ".count).prefix { $0 != ":" }
        return builtinExceptions.contains(String(name)) ? "raised \(name)" : "raised an exception of a class that is not a builtin one"
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
}
