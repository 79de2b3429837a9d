import CJobChild
import Foundation
import PygradeProtocol

@testable import PygradeWorker

/// Frames as a child writes them (child_frames.c's pg_send_frame), and the
/// jobs and machines the tests feed them to.
enum FrameBytes {
    static func u32(_ v: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// The secret the machines below give their child (ChildSpawn draws a
    /// random one per child), and the bytes it adds to every frame.
    static let secret: [UInt8] = (0..<FrameReader.secretBytes).map { UInt8(truncatingIfNeeded: 0x5A + 37 * $0) }
    static var secretBytes: Int { FrameReader.secretBytes }

    /// u32 little-endian length of (kind + secret + body), the kind, the
    /// secret (the child's, unless another is given), the body.
    static func frame(_ kind: Int, _ body: [UInt8] = [], secret: [UInt8] = FrameBytes.secret) -> [UInt8] {
        u32(1 + secret.count + body.count) + [UInt8(truncatingIfNeeded: kind)] + secret + body
    }

    static func frame(_ kind: Int, _ text: String) -> [UInt8] { frame(kind, Array(text.utf8)) }

    /// A RESULT frame (job_tests.c's send_result): u32 index, the result kind,
    /// the arguments' digest when mutation is checked, the body.
    static func result(_ index: Int, _ kind: Int, digest: [UInt8]? = nil, _ body: [UInt8] = []) -> [UInt8] {
        frame(PG_FRAME_RESULT, u32(index) + [UInt8(kind)] + (digest ?? []) + body)
    }

    static let ready = frame(PG_FRAME_READY)
    static let loaded = frame(PG_FRAME_LOADED)
    static let done = frame(PG_FRAME_DONE)

    /// A value stream (CPygradeSupport.h) of a str, for bodies that must
    /// decode.
    static func str(_ s: String) -> [UInt8] { [UInt8(ascii: "s"), UInt8(s.utf8.count)] + Array(s.utf8) }
    static func list(_ items: [[UInt8]]) -> [UInt8] { [UInt8(ascii: "l"), UInt8(items.count)] + items.flatMap { $0 } }
    static func tuple(_ items: [[UInt8]]) -> [UInt8] { [UInt8(ascii: "t"), UInt8(items.count)] + items.flatMap { $0 } }
    static func int(_ n: Int) -> [UInt8] { [UInt8(ascii: "i"), UInt8(n << 1)] }

    /// A job as the orchestrator sends one, `tests` tests long.
    static func job(
        tests: Int = 2, resultBytes: Int = 1 << 20, testResultBytes: Int = 0, checkMutation: Bool = false, checkRules: Bool = false,
        digestOK: Bool = false, freshResult: Bool = true
    ) throws -> JobRequest {
        let test: [String: Any] = [
            "cpuSeconds": 1, "wallSeconds": 1, "digestOK": digestOK, "captureOutput": false, "resultBytes": testResultBytes,
        ]
        let job: [String: Any] = [
            "exerciseKey": "e", "entry": "f", "filename": "solution.py", "moduleName": "solution",
            "tests": Array(repeating: test, count: tests), "loadCPUSeconds": 1, "loadWallSeconds": 1, "memoryBytes": 1 << 28,
            "outputBytes": 1 << 16, "resultBytes": resultBytes, "checkMutation": checkMutation, "freshResult": freshResult,
            "checkRules": checkRules, "wallBudgetSeconds": 10, "fullText": false,
        ]
        return try JSONDecoder().decode(JobRequest.self, from: JSONSerialization.data(withJSONObject: job))
    }

    /// Each test's argument digest, as the zygote took it: all the same here.
    static let argumentDigest = [UInt8](repeating: 7, count: 16)

    static func machine(_ job: JobRequest, start: Int = 0, ruleIDs: [String] = []) -> ChildFrames {
        ChildFrames(
            job: job, start: start, argumentDigests: Array(repeating: argumentDigest, count: job.tests.count), ruleIDs: ruleIDs,
            secret: secret)
    }
}

/// A step in a few words, to compare whole sequences at once.
func describe(_ step: ChildFrames.Step) -> String {
    switch step {
    case .more: "more"
    case .forged: "forged"
    case .malformed: "malformed"
    case .tooLong: "tooLong"
    case .event(let event):
        switch event {
        case .setupFailed(let text): "setupFailed(\(text))"
        case .ready: "ready"
        case .loaded: "loaded"
        case .loadFailed(let status, let message): "loadFailed(\(status.rawValue), \(message))"
        case .missing(let text): "missing(\(text))"
        case .result(let o, let value): "result(\(o.index), \(o.kind.rawValue)\(value.map { ", \($0.count) bytes" } ?? ""))"
        case .done: "done"
        case .ruleHit(let hit, let first): "ruleHit(\(hit.id), first: \(first))"
        }
    }
}

extension ChildFrames {
    /// Takes `bytes` and reads every step they hold, as the watch does: up
    /// to `more`, or to the decision that ends the child (not `more`
    /// itself). A flood (take refused) is "flood".
    mutating func feed(_ bytes: [UInt8]) -> [String] {
        guard take(bytes[...]) else { return ["flood"] }
        var steps: [String] = []
        while true {
            let step = next()
            switch step {
            case .more: return steps
            case .forged, .malformed, .tooLong: return steps + [describe(step)]
            case .event: steps.append(describe(step))
            }
        }
    }

    /// The steps of each frame, each read alone, up to the decision that
    /// ends the child (the watch reads nothing after it).
    mutating func feed(frames: [[UInt8]]) -> [String] {
        var steps: [String] = []
        for f in frames {
            steps += feed(f)
            if let last = steps.last, ChildFrames.endings.contains(last) { break }
        }
        return steps
    }

    static let endings: Set<String> = ["forged", "malformed", "tooLong", "flood"]
}
