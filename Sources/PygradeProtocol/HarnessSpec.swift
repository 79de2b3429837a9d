import CPygradeSupport

/// What the worker's Python harness needs to build an exercise's inputs
/// (passed to it as JSON: field names are the harness's).
public struct HarnessSpec: Codable, Sendable {
    public struct Test: Codable, Sendable {
        /// For messages: a test's name is no secret (reports show it).
        public var name: String
        public var args: [String]
        public var kwargs: [String: String]
        public var generate: Generate?
        public var probe: String?

        public init(name: String, args: [String], kwargs: [String: String], generate: Generate? = nil, probe: String? = nil) {
            self.name = name
            self.args = args
            self.kwargs = kwargs
            self.generate = generate
            self.probe = probe
        }
    }
    public struct Generate: Codable, Sendable {
        public var function: String
        public var seed: Int
        public var parameters: [String: GeneratorParameter]

        public init(function: String, seed: Int, parameters: [String: GeneratorParameter]) {
            self.function = function
            self.seed = seed
            self.parameters = parameters
        }
    }
    public var generators: String?
    public var probes: String?
    public var rules: [Rule]
    public var tests: [Test]
    /// When set, the zygote answers with each test's (args, kwargs) as the
    /// start of its value stream, at most this many bytes: the call a report
    /// shows, taken before any candidate code. Asked for an exercise with
    /// visible tests only, and only ever of the visible-only worker.
    public var argumentPreviewBytes: Int?

    /// The most of a test's arguments the zygote sends: far more than a
    /// report shows (a byte of the stream is at least a quarter of a
    /// character of its repr), and little to hold for a million-leaf input.
    public static let argumentPreviewLimit = Int(PG_ARGUMENT_PREVIEW_BYTES)

    public init(generators: String?, probes: String?, rules: [Rule], tests: [Test], argumentPreviewBytes: Int? = nil) {
        self.generators = generators
        self.probes = probes
        self.rules = rules
        self.tests = tests
        self.argumentPreviewBytes = argumentPreviewBytes
    }
}
