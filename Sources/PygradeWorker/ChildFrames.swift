import CJobChild
import PygradeProtocol

/// The protocol of a job child (job_child.c) as a pure state machine: the bytes
/// it wrote go in, what the worker does next comes out. No process, clock
/// or descriptor here, so that every order, honest or forged, can be fed to
/// it with no child at all (PygradeWorkerTests). What only the kernel knows
/// (CPU time, memory, output) the watch adds (ChildWatch).
///
///     Z | S V* (E | M | L (V* r)* V* D)
///
/// S comes before any candidate code runs, so only a first frame can be the
/// harness's set-up failure; after it, anything out of this order was
/// written by the candidate's code and ends the exercise as forged. So does
/// a frame the job did not ask for: a result past the tests asked, a digest
/// where the test wants the value, a rule hit when rules are not checked;
/// and, before any of that, a frame without this child's secret
/// (FrameReader), which plain Python code in the child cannot read.
struct ChildFrames {
    enum Phase: Equatable {
        case loading
        case testing(Int)
        case finishing
    }

    /// What an accepted frame means.
    enum Event {
        /// The harness could not set the child up (the first frame only).
        case setupFailed(String)
        /// Set-up is done; from here on candidate code may run.
        case ready
        /// The module loaded: the phase is now the first test's.
        case loaded
        /// Loading raised: every test would end the same way.
        case loadFailed(status: TestStatus, message: String)
        /// The entry point is not there (or not callable).
        case missing(String)
        /// A test's result, as far as the frame can tell it; `value`: the
        /// bytes to keep as its blob (kind .value only).
        case result(TestOutcome, value: ArraySlice<UInt8>?)
        /// Every test asked for has its result.
        case done
        /// A rule broken at run time; `first`: not reported before.
        case ruleHit(RuleHit, first: Bool)

        /// After it, the child has nothing more to say.
        var endsJob: Bool {
            switch self {
            case .setupFailed, .loadFailed, .missing, .done: true
            case .ready, .loaded, .result, .ruleHit: false
            }
        }
    }

    enum Step {
        case event(Event)
        /// Not a whole frame yet.
        case more
        /// A whole frame, out of order or not asked for: forged.
        case forged
        /// A length no frame has (FrameReader.Next.malformed): forged too.
        case malformed
        /// A frame longer than the job may send at once: a flood.
        case tooLong
    }

    /// Results longer than this, under a checker that allows it, travel and
    /// are compared as digests (a longer value frame is digested here too).
    static let digestThreshold = Int(PG_DIGEST_THRESHOLD)

    let job: JobRequest
    /// The first test this child runs (a fresh child resumes a job).
    let start: Int
    /// Per test, the digest of its arguments before any candidate touched
    /// them (PreparedExercise), and the exercise's rule ids in order.
    let argumentDigests: [[UInt8]]
    let ruleIDs: [String]
    private(set) var phase: Phase = .loading
    private(set) var ready = false
    /// An event that ends the job was taken: any frame after it is forged.
    private(set) var over = false
    private var ruleHitsSeen = Set<Int>()
    private var reader: FrameReader

    /// `secret`: the one this child's frames carry (ChildSpawn).
    /// `alreadySent`: what earlier children of the same job sent.
    init(job: JobRequest, start: Int, argumentDigests: [[UInt8]], ruleIDs: [String], secret: [UInt8], alreadySent: Int = 0) {
        self.job = job
        self.start = start
        self.argumentDigests = argumentDigests
        self.ruleIDs = ruleIDs
        // A job may send its results' worth, plus the frames' own bytes;
        // the reader adds each frame's secret. The most frames a job's
        // children send: one result per test, and per child (a fresh one
        // resumes after each test that ended its predecessor) a READY, an
        // end of load, a DONE and each rule once.
        let limits = job.tests.map { $0.resultLimit(in: job) }
        let tests = job.tests.count
        reader = FrameReader(
            secret: secret, maxFrame: (limits.max() ?? 0) + 4096, maxTotal: limits.reduce(0, +) + 4096 * (tests + 8),
            maxPossible: job.resultBytes + 4096, frames: tests + (tests + 1) * (3 + ruleIDs.count), received: alreadySent)
    }

    /// Every byte the job's children have sent so far.
    var received: Int { reader.received }
    /// Bytes of a frame not yet whole (dropped if the channel ends).
    var unfinished: Bool { reader.unfinished }

    /// Takes what was read. False once the job has sent more than it may
    /// in all: a flood.
    mutating func take(_ bytes: ArraySlice<UInt8>) -> Bool { reader.append(bytes) }

    /// The next frame's meaning, one at a time: the worker measures between
    /// them.
    mutating func next() -> Step {
        switch reader.next() {
        case .more: return .more
        case .malformed: return .malformed
        case .tooLong: return .tooLong
        case .forged: return .forged
        case .frame(let kind, let body): return interpret(kind: kind, body: body)
        }
    }

    private mutating func interpret(kind: UInt8, body: ArraySlice<UInt8>) -> Step {
        guard !over else { return .forged }
        let b = body.startIndex
        func text() -> String { String(decoding: body.prefix(1000), as: UTF8.self) }
        let event: Event
        switch (Int(kind), phase) {
        case (PG_FRAME_SETUP_FAILED, .loading) where !ready:
            // The first frame: no candidate code has run in this child yet.
            event = .setupFailed(text())
        case (PG_FRAME_READY, .loading) where !ready:
            ready = true
            event = .ready
        case (PG_FRAME_LOADED, .loading) where ready:
            phase = start < job.tests.count ? .testing(start) : .finishing
            event = .loaded
        case (PG_FRAME_LOAD_ERROR, .loading) where ready && body.count >= 1:
            event = .loadFailed(
                status: TestStatus(code: Int(body[b])) ?? .runtimeError,
                message: String(decoding: body.dropFirst().prefix(1000), as: UTF8.self))
        case (PG_FRAME_MISSING, .loading) where ready:
            event = .missing(text())
        case (PG_FRAME_RESULT, .testing(let k)) where body.count >= 5:
            guard let (outcome, value) = result(k, body) else { return .forged }
            phase = k + 1 < job.tests.count ? .testing(k + 1) : .finishing
            event = .result(outcome, value: value)
        case (PG_FRAME_DONE, .finishing):
            event = .done
        case (PG_FRAME_RULE_AT_RUN_TIME, _) where ready && job.checkRules && body.count == 1:
            // A rule broken at run time (eval of text, a forbidden builtin
            // reached by name): the rule's index, and no line, since a
            // number the candidate could choose would be a channel. A forged
            // one can only cost the candidate.
            let i = Int(body[b])
            guard i < ruleIDs.count else { return .forged }
            event = .ruleHit(RuleHit(id: ruleIDs[i], line: 0), first: ruleHitsSeen.insert(i).inserted)
        default:
            return .forged
        }
        if event.endsJob { over = true }
        return .event(event)
    }

    /// Test k's RESULT frame (job_tests.c's send_result: u32 index, u8 kind, the
    /// arguments' digest when mutation is checked, the body by kind), or nil
    /// when it is not one the harness writes for this test.
    private func result(_ k: Int, _ body: ArraySlice<UInt8>) -> (TestOutcome, ArraySlice<UInt8>?)? {
        let b = body.startIndex
        guard LittleEndian.u32(body[b..<b + 4]) == k else { return nil }
        var at = b + 5
        var outcome = TestOutcome(index: k, kind: .value)
        if job.checkMutation {
            guard body.count >= 5 + 16 else { return nil }
            outcome.inputMutated = !body[at..<at + 16].elementsEqual(argumentDigests[k])
            at += 16
        }
        let payload = body[at...]
        var value: ArraySlice<UInt8>?
        switch Int(body[b + 4]) {
        case PG_RES_VALUE:
            // A large value where a digest would do is digested here:
            // the orchestrator never holds more than it must.
            if payload.count > job.tests[k].resultLimit(in: job) {
                outcome.kind = .tooLarge
            } else if job.tests[k].digestOK && payload.count > ChildFrames.digestThreshold, let d = Digest.value(Array(payload)) {
                outcome.kind = .digest
                outcome.digest = Digest.hex(d)
            } else {
                value = payload
            }
        case PG_RES_DIGEST:
            // Only where the job allows one (job_tests.c sends it only then):
            // a digest in place of a value the checker must see is forged.
            guard job.tests[k].digestOK, payload.count == 16 else { return nil }
            outcome.kind = .digest
            outcome.digest = Digest.hex(Array(payload))
        case PG_RES_NOT_PLAIN:
            outcome.kind = .notPlain
            outcome.detail = String(decoding: payload.prefix(200), as: UTF8.self)
        case PG_RES_TOO_LARGE:
            outcome.kind = .tooLarge
        case PG_RES_ALIASED:
            // Only where the job asks for a fresh result (job_tests.c).
            guard job.freshResult else { return nil }
            outcome.kind = .aliased
        case PG_RES_EXCEPTION:
            guard let s = payload.first else { return nil }
            outcome.kind = .error
            outcome.status = TestStatus(code: Int(s)) ?? .runtimeError
            outcome.detail = String(decoding: payload.dropFirst().prefix(1000), as: UTF8.self)
        default:
            return nil
        }
        return (outcome, value)
    }
}
