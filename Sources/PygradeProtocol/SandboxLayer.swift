/// One layer of the sandbox as the worker found it on this machine: active,
/// or missing with the reason (kernel, permissions, a missing library).
public struct SandboxLayer: Codable, Sendable, Equatable {
    public var name: String
    public var active: Bool
    /// What the layer does when active; why it is missing when not.
    public var detail: String

    public init(name: String, active: Bool, detail: String) {
        self.name = name
        self.active = active
        self.detail = detail
    }

    /// How a report's `grader.sandbox` names it: missing layers are named
    /// too, so that no layer is ever skipped silently.
    public var reportName: String { active ? name : SandboxLayer.missingPrefix + name }

    static let missingPrefix = "missing:"

    /// The missing layers among a report's `grader.sandbox` names.
    public static func missing(inReport names: [String]) -> [String] {
        names.filter { $0.hasPrefix(missingPrefix) }.map { String($0.dropFirst(missingPrefix.count)) }
    }

    /// The line the text report and the batch summary carry when layers
    /// were missing (nil when none was), so that a weaker sandbox is said
    /// where people look, not only in the JSON.
    public static func weakerSandboxLine(missing: [String]) -> String? {
        guard !missing.isEmpty else { return nil }
        return "weaker sandbox: missing \(missing.joined(separator: ", ")) (`pygrade doctor` says why)"
    }
}

/// How much sandbox a run insists on (`--sandbox`).
public enum SandboxPolicy: String, Codable, Sendable, CaseIterable {
    /// Refuse to grade when any layer is missing.
    case strict
    /// Grade with the layers this machine has; name the missing ones in
    /// every report.
    case standard

    public static let `default` = SandboxPolicy.standard

    /// Why this policy cannot run with these layers, or nil when it can.
    public func refusal(_ layers: [SandboxLayer]) -> String? {
        guard self == .strict else { return nil }
        let missing = layers.filter { !$0.active }
        guard !missing.isEmpty else { return nil }
        return "--sandbox strict: missing "
            + missing.map { "\($0.name) (\($0.detail))" }.joined(separator: ", ")
            + "; run `pygrade doctor`, or grade with --sandbox standard"
    }
}
