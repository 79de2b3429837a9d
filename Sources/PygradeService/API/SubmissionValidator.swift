import Foundation
import PygradeKit
import PygradeQueue

/// A submission the API accepted: the job to enqueue.
struct ValidSubmission: Sendable {
    var payload: Data
    var requestSHA256: String
    var callbackURL: String?
}

/// Checks one `SubmissionRequest` against the server's rules and catalog
/// before anything reaches the queue: a grading node then reads exactly
/// what was checked. Each problem is thrown as a `Problem` with one sentence.
struct SubmissionValidator: Sendable {
    let configuration: APIConfiguration
    let catalog: ExerciseCatalog
    let catalogHash: String

    static let maxFiles = 100
    static let maxNameLength = 100

    func validate(_ r: SubmissionRequest, prefix: String = "") async throws(Problem) -> ValidSubmission {
        func bad(_ s: String) -> Problem { .badRequest(prefix + s) }
        var total = 0
        switch (r.source, r.files) {
        case (let source?, nil):
            if let name = r.filename, !Self.isFileName(name) {
                throw bad("filename must match ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$ and end in .py.")
            }
            total = source.utf8.count
        case (nil, let files?):
            guard r.filename == nil else { throw bad("filename goes with source, not with files.") }
            guard !files.isEmpty, files.count <= Self.maxFiles else { throw bad("files must hold 1 to \(Self.maxFiles) files.") }
            for (name, text) in files {
                guard Self.isFileName(name) else {
                    throw bad("Each file name must match ^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$ and end in .py.")
                }
                total += text.utf8.count
            }
        default:
            throw bad("Give exactly one of source and files.")
        }
        guard total <= configuration.maxSubmissionBytes else {
            throw .tooLarge(prefix + "The submission's text is over \(configuration.maxSubmissionBytes) bytes.")
        }
        if let ids = r.exercises {
            guard !ids.isEmpty else { throw .unprocessable("unknown-exercise", prefix + "exercises, when given, names at least one.") }
            for id in ids where catalog.exercise(id) == nil {
                throw .unprocessable("unknown-exercise", prefix + "There is no exercise '\(Self.clip(id))' on this server.")
            }
        }
        if let limits = r.limits { try checkLimits(limits, prefix: prefix) }
        if let assignment = r.assignment { try checkAssignment(assignment, prefix: prefix) }
        if let metadata = r.metadata {
            let size = (try? JSONEncoder().encode(metadata).count) ?? Int.max
            guard size <= configuration.maxMetadataBytes else {
                throw .tooLarge(prefix + "metadata is over \(configuration.maxMetadataBytes) bytes once encoded.")
            }
        }
        if let callback = r.callbackURL { try await checkCallback(callback, prefix: prefix) }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let payload: Data
        do { payload = try encoder.encode(r) } catch { throw bad("The submission cannot be encoded as JSON.") }
        return ValidSubmission(
            payload: payload, requestSHA256: Digest.hex(Digest.sha256(payload)), callbackURL: r.callbackURL)
    }

    /// `^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$`, ending in `.py`: no path, no
    /// hidden file, nothing a file system reads specially.
    static func isFileName(_ name: String) -> Bool {
        let b = Array(name.utf8)
        guard (1...maxNameLength).contains(b.count), name.hasSuffix(".py") else { return false }
        func word(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
        }
        guard word(b[0]) else { return false }
        return b.dropFirst().allSatisfy { word($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }
    }

    /// A client's text quoted in a message, kept short.
    static func clip(_ s: String) -> String { s.count <= 60 ? s : String(s.prefix(60)) + "..." }

    private func checkLimits(_ l: RequestLimits, prefix: String) throws(Problem) {
        let m = configuration.limitMaxima
        if let t = l.time, !(LimitOverrides.timeRange.contains(t) && t <= m.time) {
            throw over("limits.time", LimitOverrides.timeRange.lowerBound, min(m.time, LimitOverrides.timeRange.upperBound), prefix)
        }
        if let v = l.memory, !(LimitOverrides.memoryRange.contains(v) && v <= m.memory) {
            throw over(
                "limits.memory", Double(LimitOverrides.memoryRange.lowerBound),
                Double(min(m.memory, LimitOverrides.memoryRange.upperBound)), prefix)
        }
        if let b = l.budget, !(LimitOverrides.budgetRange.contains(b) && b <= m.budget) {
            throw over("limits.budget", LimitOverrides.budgetRange.lowerBound, min(m.budget, LimitOverrides.budgetRange.upperBound), prefix)
        }
    }

    private func over(_ name: String, _ low: Double, _ high: Double, _ prefix: String) -> Problem {
        .unprocessable(
            "limit-out-of-range", prefix + "\(name) must be between \(Self.number(low)) and \(Self.number(high)) on this server.")
    }

    static func number(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }

    /// Loads the assignment exactly as `--assignment FILE` would: its JSON
    /// (which is YAML) is written to a private file in the data folder,
    /// loaded and removed; messages never show that file's path.
    private func checkAssignment(_ value: JSONValue, prefix: String) throws(Problem) {
        guard case .object = value else { throw .badRequest(prefix + "assignment must be an object with the keys of an assignment file.") }
        let folder = configuration.dataFolder.appendingPathComponent("tmp", isDirectory: true)
        let file = folder.appendingPathComponent("assignment-\(UUID().uuidString).yaml")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try encoder.encode(value).write(to: file)
        } catch {
            throw Problem(.internalServerError, "internal", "The server could not write to its data folder.")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let assignment: Assignment
        do throws(DefinitionError) {
            assignment = try AssignmentLoader.load(file.path, catalog: catalog)
        } catch {
            // The file is ours: the client knows it as "assignment" only.
            let problem = error.problem.replacingOccurrences(of: file.path, with: "assignment")
            throw .unprocessable("bad-assignment", prefix + "assignment: \(problem)")
        }
        let m = configuration.limitMaxima
        for entry in assignment.entries {
            let l = entry.limits
            let ok =
                (l.time.map { $0 <= m.time } ?? true) && (l.memory.map { $0 <= m.memory } ?? true)
                && (l.budget.map { $0 <= m.budget } ?? true) && (l.output.map { $0 <= m.output } ?? true)
            guard ok else {
                throw .unprocessable(
                    "limit-out-of-range",
                    prefix + "assignment: the limits of '\(entry.id)' are over this server's maxima (time \(Self.number(m.time)), "
                        + "memory \(m.memory), budget \(Self.number(m.budget)), output \(m.output)).")
            }
        }
    }

    private func checkCallback(_ text: String, prefix: String) async throws(Problem) {
        guard text.utf8.count <= 2048, let url = URL(string: text), let scheme = url.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty
        else {
            throw .unprocessable("bad-callback", prefix + "callback_url must be an http or https URL with a host.")
        }
        if let reason = await configuration.callbackPolicy.refusal(for: url) {
            throw .unprocessable("bad-callback", prefix + "callback_url is refused: \(reason)")
        }
    }
}
