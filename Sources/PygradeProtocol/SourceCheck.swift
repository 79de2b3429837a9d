/// Python an exercise's author wrote (test arguments, generators.py,
/// probes.py), for the worker's base to compile with the embedded
/// interpreter: a definition's typo is found when the exercise is loaded,
/// not when its inputs are built. Nothing is run, so the base still holds
/// no test input.
public struct SourceCheckRequest: Codable, Sendable {
    public struct Item: Codable, Sendable {
        public enum Mode: String, Codable, Sendable {
            /// One expression (a test's argument).
            case eval
            /// A module (generators.py, probes.py).
            case exec
        }
        public var source: String
        public var filename: String
        public var mode: Mode
        /// Names a module must bind at its top level (the generators and
        /// probes its tests name).
        public var names: [String] = []

        public init(source: String, filename: String, mode: Mode, names: [String] = []) {
            self.source = source
            self.filename = filename
            self.mode = mode
            self.names = names
        }
    }
    public var items: [Item]
    public init(items: [Item]) { self.items = items }
}

public struct SourceCheckResponse: Codable, Sendable {
    /// One item that does not compile, or lacks names.
    public struct Problem: Codable, Sendable, Equatable {
        public var index: Int
        /// The compiler's complaint (nil when the item compiles) and its
        /// line, counted within the item.
        public var message: String?
        public var line: Int?
        /// Of the item's `names`, those it does not bind.
        public var undefined: [String]?

        public init(index: Int, message: String? = nil, line: Int? = nil, undefined: [String]? = nil) {
            self.index = index
            self.message = message
            self.line = line
            self.undefined = undefined
        }
    }
    public var problems: [Problem] = []
    /// The check itself could not run.
    public var error: String?
    public init(problems: [Problem] = [], error: String? = nil) {
        self.problems = problems
        self.error = error
    }
}
