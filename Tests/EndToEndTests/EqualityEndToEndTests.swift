import Foundation
import Testing

/// The one equality rule (docs/equality.md) through the built binary:
/// the real encoder, the job child's digest of a large result, the unordered
/// checker's element digests and their fallbacks. `EqualityTests` holds the
/// same paths to python3's answers pair by pair; this shows the grader wired
/// to them.
@Suite("Equality end to end")
struct EqualityEndToEndTests {
    static let definition = """
        id: bigeq
        title: Equal by ==
        entry: f
        points: 20
        tests:
          - {name: small, hint: basic, args: ["0"]}
          - {name: large, hint: large input, args: ["1"]}
          - {name: small-unordered, hint: basic, args: ["0"], checker: unordered_unique}
          - {name: large-unordered, hint: large input, args: ["1"], checker: unordered_unique}
          - {name: nan, hint: nan, args: ["2"]}
          - {name: nan-large, hint: nan, args: ["3"]}
          - {name: nan-unordered, hint: nan, args: ["2"], checker: unordered_unique}
        """

    /// Ints at and past 2**63, each with a float of the same value; the large
    /// lists (over 64 KiB encoded) travel from the child as digests.
    static let reference = """
        import math

        BIG = [2**70, -2**70, 2**63, -2**63, -2**64, 2**64, 0, 1, int(1e300), 7]


        def f(n):
            if n == 0:
                return list(BIG)
            if n == 1:
                return [2**70 + i * 2**20 for i in range(4000)] + [-(2**64) - i * 2**12 for i in range(4000)]
            if n == 2:
                return [1, float("nan")]
            return [2**70 + i * 2**20 for i in range(4000)] + [float("nan")]

        """

    static func statuses(_ scratch: ExerciseSetTests.Scratch, _ dir: String, _ name: String, _ body: String) throws -> [String: String] {
        let file = try scratch.file(name, reference + body)
        let result = try PygradeBinary.run(["grade", file, "--exercises-dir", dir, "--format", "json"])
        let exercise = try #require(ExerciseSetTests.exercise(try result.json(), "bigeq"), "\(result.stdout)\(result.stderr)")
        let tests = try #require(exercise["tests"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: tests.map { ($0["name"] as? String ?? "", $0["status"] as? String ?? "") })
    }

    @Test func floatsOfTheSameValuePassAndNearOnesDoNot() throws {
        let scratch = try ExerciseSetTests.Scratch()
        _ = try scratch.file("exercises/bigeq/exercise.yaml", Self.definition)
        _ = try scratch.file("exercises/bigeq/prompt.md", "# bigeq\n")
        _ = try scratch.file("exercises/bigeq/starter.py", "def f(n):\n    pass\n")
        _ = try scratch.file("exercises/bigeq/reference.py", Self.reference)
        let dir = scratch.url.appendingPathComponent("exercises").path
        let equalOnes = ["small", "large", "small-unordered", "large-unordered"]

        // The reference itself: all passed but a NaN, which equals nothing.
        let same = try Self.statuses(scratch, dir, "same.py", "")
        for t in equalOnes { #expect(same[t] == "passed", "\(t): \(same)") }
        for t in ["nan", "nan-large", "nan-unordered"] { #expect(same[t] == "wrong_answer", "\(t): \(same)") }

        // float(x) for every x: 2.0**70 is 2**70, 1e300 is int(1e300).
        let floats = try Self.statuses(
            scratch, dir, "floats.py",
            """
            g = f


            def f(n):
                return [float(x) if type(x) is int else x for x in g(n)]

            """)
        for t in equalOnes { #expect(floats[t] == "passed", "\(t): \(floats)") }

        // The next float up from each big one: integral, near, not equal.
        let near = try Self.statuses(
            scratch, dir, "near.py",
            """
            g = f


            def f(n):
                return [math.nextafter(float(x), math.inf) if type(x) is int and abs(x) > 2**53 else x for x in g(n)]

            """)
        for t in equalOnes { #expect(near[t] == "wrong_answer", "\(t): \(near)") }
    }
}
