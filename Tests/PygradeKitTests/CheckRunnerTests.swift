import Foundation
import TestSupport
import Testing

@testable import PygradeKit

@Suite("check: determinism and margin")
struct CheckRunnerTests {
    static let definition = """
        id: demo
        title: Demo
        entry: f
        checker: exact
        limits: {time: 1.0}
        tests:
          - name: fast
            args: ["1"]
          - name: slow-with-own-limit
            time: 2.0
            args: ["2"]
          - name: unordered
            checker: unordered_unique
            args: ["3"]
        """

    static func exercise(_ tmp: TemporaryFolder) throws -> Exercise {
        try ExerciseLoader.load(folder: tmp.exercise("demo", definition: definition))
    }

    static func results(_ values: [PyValue], cpu: [Double] = [0, 0, 0]) throws -> ExpectedResults {
        try ExpectedResults(encoded: values.map { ValueCodec.encode($0) }, referenceCPUms: cpu)
    }

    @Test func marginHoldsBelowAFifthOfEachTestsOwnLimit() throws {
        let tmp = TemporaryFolder()
        let e = try Self.exercise(tmp)
        // 390 ms is under a fifth of the 2 s limit of the second test.
        let ok = CheckRunner.margin(e, cpuMs: [150, 390, 10])
        #expect(ok.ok && ok.kind == .margin)
        #expect(ok.detail.contains("slow-with-own-limit"))
        let tight = CheckRunner.margin(e, cpuMs: [200, 10, 10])
        #expect(!tight.ok)
        #expect(tight.detail.contains("fast (200 of 1000 ms)"))
        #expect(!tight.detail.contains("slow-with-own-limit"))
    }

    @Test func determinismComparesUnderEachTestsChecker() throws {
        let tmp = TemporaryFolder()
        let e = try Self.exercise(tmp)
        let a = try Self.results([.int(1), .list([.int(1), .int(2)]), .list([.string("x"), .string("y")])])
        // The unordered test's list comes back in another order: the same result.
        let reordered = try Self.results([.int(1), .list([.int(1), .int(2)]), .list([.string("y"), .string("x")])])
        #expect(CheckRunner.determinism(e, a, reordered).ok)
        // The exact test's list in another order is a different result.
        let changed = try Self.results([.int(1), .list([.int(2), .int(1)]), .list([.string("x"), .string("y")])])
        let item = CheckRunner.determinism(e, a, changed)
        #expect(!item.ok && item.kind == .determinism)
        #expect(item.detail == "two runs of the reference differ on slow-with-own-limit")
    }

    /// The same bytes are not the same value when they hold a NaN, which
    /// equals nothing (docs/equality.md); 2**70 and 2.0**70 are.
    @Test func determinismFollowsTheOneEqualityRule() throws {
        let tmp = TemporaryFolder()
        let e = try Self.exercise(tmp)
        let nan = try Self.results([.float(.nan), .list([.int(1)]), .list([.float(.nan)])])
        let item = CheckRunner.determinism(e, nan, nan)
        #expect(item.detail == "two runs of the reference differ on fast, unordered")
        let big = try Self.results([.bigInt("0x400000000000000000"), .list([.int(1)]), .list([.bigInt("-0x10000000000000000")])])
        let floats = try Self.results([.float(0x1p70), .list([.float(1)]), .list([.float(-0x1p64)])])
        #expect(CheckRunner.determinism(e, big, floats).ok)
    }
}
