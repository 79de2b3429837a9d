import Foundation

/// Decides whether the service may post a report to a `callback_url`. The
/// grading node's address guard (Callbacks/) conforms; the API asks it at
/// submit time and answers 422 with its reason.
public protocol CallbackAddressPolicy: Sendable {
    /// Why `url` is refused, in one sentence, or nil when it is accepted.
    func refusal(for url: URL) async -> String?
}

/// A policy given as a closure (tests, or a checker that is a function).
public struct CallbackPolicyClosure: CallbackAddressPolicy {
    let body: @Sendable (URL) async -> String?
    public init(_ body: @escaping @Sendable (URL) async -> String?) { self.body = body }
    public func refusal(for url: URL) async -> String? { await body(url) }
}

/// The most a request may ask for; `nil` keeps the range `LimitOverrides`
/// allows anywhere.
public struct LimitMaxima: Sendable, Equatable {
    /// CPU seconds per test.
    public var time: Double
    /// MiB.
    public var memory: Int
    /// Wall seconds per exercise.
    public var budget: Double
    /// Bytes printed per test (assignment limits only).
    public var output: Int

    public init(time: Double = 10, memory: Int = 1024, budget: Double = 60, output: Int = 1 << 20) {
        self.time = time
        self.memory = memory
        self.budget = budget
        self.output = output
    }
}

/// Everything the HTTP API needs besides the queue, the metrics and the
/// catalog. The executable fills it from its flags.
public struct APIConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Where inline assignments are written for a moment to be checked.
    public var dataFolder: URL
    /// Bytes of one submission's body (and of its files' text together).
    public var maxSubmissionBytes: Int
    /// Bytes of a batch's body.
    public var maxBatchBytes: Int
    /// Submissions in one batch.
    public var maxBatchSize: Int
    /// Encoded bytes of a submission's `metadata`.
    public var maxMetadataBytes: Int
    public var limitMaxima: LimitMaxima
    /// The API keys; empty: no keys, every request's owner is `local`.
    public var keys: APIKeys
    public var callbackPolicy: any CallbackAddressPolicy
    public var maxAttempts: Int
    /// Whether this node runs grading slots (then /readyz asks `workersUp`).
    public var grades: Bool
    public var workersUp: @Sendable () -> Bool
    /// Long-polls (`?wait=N`) one caller may hold open at once: per API
    /// key, or per client address on a server without keys.
    public var maxLongPolls: Int

    public static let defaultSubmissionBytes = 1 << 20
    public static let defaultBatchBytes = 64 << 20
    public static let defaultMaxLongPolls = 32

    public init(
        host: String = "127.0.0.1", port: Int = 8080, dataFolder: URL, maxSubmissionBytes: Int = defaultSubmissionBytes,
        maxBatchBytes: Int? = nil, maxBatchSize: Int = 1000, maxMetadataBytes: Int = 16 * 1024,
        limitMaxima: LimitMaxima = LimitMaxima(), keys: APIKeys = APIKeys(),
        callbackPolicy: any CallbackAddressPolicy = CallbackPolicyClosure { _ in nil }, maxAttempts: Int = 3,
        grades: Bool = false, workersUp: @escaping @Sendable () -> Bool = { true },
        maxLongPolls: Int = defaultMaxLongPolls
    ) {
        self.host = host
        self.port = port
        self.dataFolder = dataFolder
        self.maxSubmissionBytes = maxSubmissionBytes
        // A batch body is buffered whole before it is decoded: 64 MiB by
        // default (a thousand submissions of 64 KiB), not a thousand times
        // the largest submission, so that a few batches at once cannot take
        // the node's memory.
        self.maxBatchBytes = maxBatchBytes ?? min(maxSubmissionBytes * maxBatchSize, Self.defaultBatchBytes)
        self.maxBatchSize = maxBatchSize
        self.maxMetadataBytes = maxMetadataBytes
        self.limitMaxima = limitMaxima
        self.keys = keys
        self.callbackPolicy = callbackPolicy
        self.maxAttempts = maxAttempts
        self.grades = grades
        self.workersUp = workersUp
        self.maxLongPolls = maxLongPolls
    }

    /// Why this configuration must not start, in one sentence (the
    /// executable prints it and exits), or nil: a server without keys
    /// accepts anyone's submissions, so it listens on loopback only.
    public func startupRefusal() -> String? {
        guard keys.isEmpty, !Self.isLoopback(host) else { return nil }
        return
            "Refusing to listen on \(host): a server without API keys (--keys FILE) listens on loopback only (127.0.0.1, ::1, localhost)."
    }

    /// Whether `host` is a loopback address (127.0.0.0/8 written as four
    /// numbers, ::1, localhost): the one test, for the API and `--listen`.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        if h == "localhost" || h == "::1" { return true }
        let parts = h.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }
}
