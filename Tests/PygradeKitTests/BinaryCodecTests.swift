import Foundation
import Testing

@testable import PygradeKit

/// The binary form of the job messages: everything survives the round trip,
/// and a field added to a type but not to its codec is caught here.
@Suite("Binary job messages")
struct BinaryCodecTests {
    static func json(_ v: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = .sortedKeys
        return String(decoding: try e.encode(v), as: UTF8.self)
    }

    static var fullResponse: JobResponse {
        var r = JobResponse()
        r.compile = .syntaxError
        r.syntaxLine = 7
        r.syntaxMessage = "SyntaxError: é"
        r.ruleHits = [RuleHit(id: "no-reversed", line: 3), RuleHit(id: "no-slice-step", line: 9)]
        r.load = .failed
        r.loadStatus = .memoryLimitExceeded
        r.loadEnding = .outputLimit(bytes: 4096)
        r.loadMessage = "raised MemoryError"
        var o = TestOutcome(index: 4, kind: .error)
        o.status = .timeLimitExceeded
        o.blob = 2
        o.digest = "00ff"
        o.ending = .crash(signal: 11)
        o.detail = "raised ValueError"
        o.inputMutated = true
        o.cpuMs = 1.25
        o.peakKiB = 10240
        o.output = "printed\n"
        o.outputBytes = 8
        r.tests = [o, TestOutcome(index: 5, kind: .value)]
        r.timing = JobTiming()
        r.timing.forkMs = 0.4
        r.timing.loadMs = 1.5
        r.timing.testsMs = 2.5
        r.timing.reapMs = 0.01
        r.timing.totalMs = 4.5
        r.timing.children = 2
        r.internalError = "none really"
        r.definedNames = ["find_dupes", "Hélper"]
        return r
    }

    @Test func responseRoundTrips() throws {
        let r = BinaryCodecTests.fullResponse
        let back = try Message(binary: r, blobs: [[1, 2]]).decodeBinary(JobResponse.self)
        #expect(try BinaryCodecTests.json(back) == BinaryCodecTests.json(r))
        let empty = try Message(binary: JobResponse()).decodeBinary(JobResponse.self)
        #expect(try BinaryCodecTests.json(empty) == BinaryCodecTests.json(JobResponse()))
    }

    @Test func requestRoundTripsThroughWorkerRequest() throws {
        let job = JobRequest(
            exerciseKey: "flatten@abc", entry: "flatten", filename: "solution.py", moduleName: "solution",
            tests: [
                .init(cpuSeconds: 1, wallSeconds: 3, digestOK: true, captureOutput: false),
                .init(cpuSeconds: 0.5, wallSeconds: 2, digestOK: false, captureOutput: true),
            ],
            loadCPUSeconds: 1, loadWallSeconds: 3, memoryBytes: 256 << 20, outputBytes: 65536, resultBytes: 64 << 20,
            checkMutation: true, freshResult: false, checkRules: true, wallBudgetSeconds: 10)
        let message = try WorkerRequest.job(job).message(blobs: [Array("def f(): pass".utf8)])
        #expect(message.header.first == BinaryWriter.tag)
        guard case .job(let back) = try WorkerRequest(Message.parse(message.serialized())!) else {
            Issue.record("not a job")
            return
        }
        #expect(try BinaryCodecTests.json(back) == BinaryCodecTests.json(job))
        // Prepares stay JSON.
        let spec = try JSONDecoder().decode(HarnessSpec.self, from: Data(#"{"rules": [], "tests": []}"#.utf8))
        let prepare = try WorkerRequest.prepare(key: "k", spec: spec).message()
        #expect(prepare.header.first == UInt8(ascii: "{"))
        guard case .prepare(let key, _) = try WorkerRequest(prepare) else {
            Issue.record("not a prepare")
            return
        }
        #expect(key == "k")
    }

    @Test func malformedInputIsRefused() {
        var bytes = Message(binary: BinaryCodecTests.fullResponse).header
        bytes.removeLast(3)
        #expect(throws: BinaryReader.Malformed.self) { try Message(header: bytes).decodeBinary(JobResponse.self) }
        #expect(throws: BinaryReader.Malformed.self) { try Message(header: Array("{}".utf8)).decodeBinary(JobResponse.self) }
        let trailing = Message(binary: JobResponse()).header + [0]
        #expect(throws: BinaryReader.Malformed.self) { try Message(header: trailing).decodeBinary(JobResponse.self) }
    }

    /// A tripwire: when one of these types gains a field, its codec in
    /// BinaryCodec.swift must write and read it too (then update the count).
    @Test func everyFieldIsCovered() {
        #expect(Mirror(reflecting: JobResponse()).children.count == 13)
        #expect(Mirror(reflecting: TestOutcome(index: 0, kind: .value)).children.count == 12)
        #expect(Mirror(reflecting: JobTiming()).children.count == 7)
        #expect(
            Mirror(reflecting: JobRequest.Test(cpuSeconds: 0, wallSeconds: 0, digestOK: false, captureOutput: false)).children.count == 5)
        let job = JobRequest(
            exerciseKey: "", entry: "", filename: "", moduleName: "", tests: [], loadCPUSeconds: 0, loadWallSeconds: 0,
            memoryBytes: 0, outputBytes: 0, resultBytes: 0, checkMutation: false, freshResult: false, checkRules: false,
            wallBudgetSeconds: 0)
        #expect(Mirror(reflecting: job).children.count == 15)
    }
}
