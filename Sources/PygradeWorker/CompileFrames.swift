import CJobChild
import PygradeProtocol

/// The protocol of a compile child (compile.c) as a pure state machine, as
/// ChildFrames is a job child's:
///
///     Z | X | K N (R | Q)*
///
/// CODE, NAMES, then one RULE_HITS (or RULE_FAILED) per rule set asked
/// for; or SYNTAX_ERROR. No candidate code runs in a compile child, so a
/// frame out of this order is the worker's failure, not the candidate's.
struct CompileFrames {
    enum Step {
        /// Not done yet.
        case more
        /// The code (or the compiler's words) and the rule hits of each set.
        case compiled(CompiledSource)
        case failed(WorkerFailure)
    }

    /// The exercises whose rule sets the child checks, in the order it
    /// answers them.
    let keys: [String]
    private var reader: FrameReader
    private var code: [UInt8]?
    private var names: [String]?
    private var hits: [String: [RuleHit]] = [:]

    /// `secret`: the one this child's frames carry (CompileRunner).
    init(keys: [String], resultBytes: Int, secret: [UInt8]) {
        self.keys = keys
        // CODE, NAMES and one frame per rule set, or one that ends it.
        reader = FrameReader(
            secret: secret, maxFrame: resultBytes + 4096, maxTotal: resultBytes + 4096 * (keys.count + 2),
            maxPossible: resultBytes + 4096, frames: keys.count + 2)
    }

    /// Takes what was read. False once the child has sent more than it may.
    mutating func take(_ bytes: ArraySlice<UInt8>) -> Bool { reader.append(bytes) }

    /// Reads the whole frames taken until the child's answer is complete.
    mutating func next() -> Step {
        while true {
            let kind: UInt8
            let body: ArraySlice<UInt8>
            switch reader.next() {
            case .more: return .more
            case .malformed, .tooLong: return .failed(WorkerFailure(.compileChild, "the compile child sent a malformed frame"))
            case .forged: return .failed(WorkerFailure(.compileChild, "the compile child sent a frame without its secret"))
            case .frame(let k, let b):
                kind = k
                body = b
            }
            if let step = interpret(kind: kind, body: body) { return step }
            if let code, let names, hits.count == keys.count {
                return .compiled(CompiledSource(outcome: .code(code), ruleHits: hits, milliseconds: 0, definedNames: names))
            }
        }
    }

    /// Takes one frame; a step when it decides the child's answer.
    private mutating func interpret(kind: UInt8, body: ArraySlice<UInt8>) -> Step? {
        let b = body.startIndex
        switch Int(kind) {
        case PG_FRAME_CODE where code == nil:
            code = Array(body)
        case PG_FRAME_SYNTAX_ERROR where code == nil && body.count >= 4:
            let message = String(decoding: body[(b + 4)...].prefix(1000), as: UTF8.self)
            return .compiled(
                CompiledSource(
                    outcome: .syntaxError(line: Int(LittleEndian.u32(body[b..<b + 4])), message: message), ruleHits: [:], milliseconds: 0))
        case PG_FRAME_NAMES where code != nil && names == nil:
            guard case .list(let list)? = try? ValueCodec.decode(Array(body)) else {
                return .failed(WorkerFailure(.compileChild, "the compile child sent names it cannot have read"))
            }
            names = list.compactMap(\.stringValue)
        case PG_FRAME_RULE_HITS where code != nil && names != nil && body.count >= 4:
            let i = Int(LittleEndian.u32(body[b..<b + 4]))
            guard i < keys.count, case .list(let list)? = try? ValueCodec.decode(Array(body[(b + 4)...])) else {
                return .failed(WorkerFailure(.compileChild, "the rule checker sent hits it cannot have found"))
            }
            hits[keys[i]] = list.compactMap { (h: PyValue) -> RuleHit? in
                guard case .tuple(let t) = h, t.count == 2, let id = t[0].stringValue, let line = t[1].intValue else { return nil }
                return RuleHit(id: id, line: Int(line))
            }
        case PG_FRAME_RULE_FAILED where body.count >= 4:
            return .failed(
                WorkerFailure(.compileChild, "the rule checker failed: \(String(decoding: body.dropFirst(4).prefix(500), as: UTF8.self))"))
        case PG_FRAME_SETUP_FAILED:
            return .failed(
                WorkerFailure(
                    .compileChild, "the compile child could not set itself up: \(String(decoding: body.prefix(500), as: UTF8.self))"))
        default:
            return .failed(WorkerFailure(.compileChild, "the compile child sent a frame out of order"))
        }
        return nil
    }
}
