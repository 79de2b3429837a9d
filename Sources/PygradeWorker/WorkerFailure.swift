import PygradeProtocol

/// Why the worker could not do what it was asked: never the candidate's
/// fault. A code to tell failures apart by, and the context in words (what
/// the orchestrator receives, as `internalError` or a prepare error).
struct WorkerFailure: Error, CustomStringConvertible {
    enum Code: Sendable, Equatable {
        /// A system call failed (pipe2, fork): `errno` says why.
        case systemCall
        /// Python could not allocate what the worker asked of it.
        case noMemory
        /// The embedded interpreter did not start, or the harness did not
        /// load into it (PythonRuntime.init).
        case pythonStart
        /// An exercise's inputs could not be built (a test's arguments, the
        /// harness's prepare()).
        case testInputs
        /// An exercise's rules could not be read or prepared.
        case rules
        /// The author's sources could not be checked (check_sources()).
        case sourceCheck
        /// A compile child sent what it cannot have (no candidate code runs
        /// in one), or could not set itself up, or its rule checker failed.
        case compileChild
        /// An exercise's zygote died before it answered.
        case zygoteLost
    }

    var code: Code
    /// What failed, with what was known of it.
    var context: String
    /// The failed call's errno, for `.systemCall`.
    var errno: Int32?

    init(_ code: Code, _ context: String) {
        self.code = code
        self.context = context
    }

    init(_ error: SystemError) {
        code = .systemCall
        context = error.description
        errno = error.code
    }

    var description: String { context }
}
