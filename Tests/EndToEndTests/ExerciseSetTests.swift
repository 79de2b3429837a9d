import Foundation
import PygradeKit
import TestSupport
import Testing

/// The five exercises as data: rules, `list`, `check` on bad definitions, and
/// an exercise added by copying a folder, with no Swift change.
@Suite("The exercise set")
struct ExerciseSetTests {
    static let exercises = PygradeBinary.root.appendingPathComponent("Exercises")

    /// A scratch folder of exercises, removed after the test.
    final class Scratch {
        let temporary = TemporaryFolder(prefix: "pygrade-exercises")
        var url: URL { temporary.url }
        init() throws {}

        func file(_ name: String, _ text: String) throws -> String {
            temporary.write(name, text).path
        }
    }

    static func exercise(_ report: [String: Any], _ id: String) -> [String: Any]? {
        (report["exercises"] as? [[String: Any]])?.first { $0["id"] as? String == id }
    }

    @Test func addingAnExerciseNeedsAFolderOnly() throws {
        let scratch = try Scratch()
        let folder = scratch.url.appendingPathComponent("exercises/mirror")
        try FileManager.default.createDirectory(at: folder.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Self.exercises.appendingPathComponent("reverse"), to: folder)
        let yaml = folder.appendingPathComponent("exercise.yaml")
        let definition = try String(contentsOf: yaml, encoding: .utf8)
        try definition.replacingOccurrences(of: "id: reverse\n", with: "id: mirror\n").write(to: yaml, atomically: true, encoding: .utf8)
        let dir = folder.deletingLastPathComponent().path

        let good = try scratch.file("good.py", "def reverse_string(s):\n    return ''.join([s[i] for i in range(len(s) - 1, -1, -1)])\n")
        var result = try PygradeBinary.run(["grade", good, "--exercises-dir", dir, "--format", "json"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let passed = try #require(Self.exercise(try result.json(), "mirror"))
        #expect(passed["status"] as? String == "passed")
        #expect(passed["score"] as? Double == 20)

        let sliced = try scratch.file("sliced.py", "def reverse_string(s):\n    return s[::-1]\n")
        result = try PygradeBinary.run(["grade", sliced, "--exercises-dir", dir, "--exercise", "mirror", "--format", "json"])
        #expect(result.status == 1)
        #expect(Self.exercise(try result.json(), "mirror")?["status"] as? String == "rule_violation")

        result = try PygradeBinary.run(["list", "--exercises", dir])
        #expect(result.status == 0)
        #expect(result.stdout.contains("mirror ") && result.stdout.contains("reverse_string()"))
    }

    @Test func aRuleReportsItsIdLineMessageAndPenalty() throws {
        let result = try PygradeBinary.run([
            "grade", PygradeBinary.fixture("reverse_alias_reversed.py"), "--exercise", "reverse", "--format", "json",
        ])
        #expect(result.status == 1)
        let reverse = try #require(Self.exercise(try result.json(), "reverse"))
        #expect(reverse["status"] as? String == "rule_violation")
        // Every test passes, but the rule's penalty is the whole exercise.
        #expect(reverse["score"] as? Double == 0)
        let tests = try #require(reverse["tests"] as? [[String: Any]])
        #expect(tests.allSatisfy { $0["status"] as? String == "passed" })
        let rules = try #require(reverse["rules"] as? [[String: Any]])
        #expect(rules.count == 1)
        #expect(rules.first?["id"] as? String == "no-reversed")
        #expect(rules.first?["line"] as? Int == 3)
        #expect(rules.first?["penalty"] as? Double == 1)
        #expect((rules.first?["message"] as? String)?.contains("reversed()") == true)
        #expect((reverse["message"] as? String)?.hasPrefix("line 3: ") == true)
    }

    /// Aliases and spellings of the forbidden calls, one a line.
    @Test func rulesSeeThroughAliases() throws {
        let scratch = try Scratch()
        let cases: [(String, String)] = [
            ("r = reversed\ndef reverse_string(s):\n    return ''.join(r(s))\n", "no-reversed"),
            ("def reverse_string(s):\n    return ''.join(getattr(s, '__reversed__', None) or [])\n", "no-reversed"),
            ("import builtins\ndef reverse_string(s):\n    return ''.join(vars(builtins)['reversed'](s))\n", "no-reversed"),
            ("from builtins import reversed as backwards\ndef reverse_string(s):\n    return ''.join(backwards(s))\n", "no-reversed"),
            ("def reverse_string(s):\n    c = list(s)\n    m = c.reverse\n    m()\n    return ''.join(c)\n", "no-reverse-method"),
            ("def reverse_string(s):\n    return s[slice(None, None, -1)]\n", "no-slice-step"),
            ("def reverse_string(s):\n    step = -1\n    return s[len(s)::step]\n", "no-slice-step"),
        ]
        for (i, (source, rule)) in cases.enumerated() {
            let path = try scratch.file("alias\(i).py", source)
            let result = try PygradeBinary.run(["grade", path, "--exercise", "reverse", "--format", "json"])
            let reverse = Self.exercise(try result.json(), "reverse")
            #expect(reverse?["status"] as? String == "rule_violation", "\(source)")
            let ids = (reverse?["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String } ?? []
            #expect(ids.contains(rule), "\(source): \(ids)")
        }
    }

    @Test func listShowsEveryExerciseWithEntryTestsAndLimits() throws {
        let result = try PygradeBinary.run(["list"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first?.hasPrefix("id ") == true)
        let catalog = try ExerciseCatalog.load(from: Self.exercises)
        #expect(catalog.exercises.map(\.id) == ["anagrams", "cache", "duplicates", "flatten", "reverse"])
        for e in catalog.exercises {
            let row = try #require(lines.first { $0.hasPrefix(e.id + " ") }, "no row for \(e.id)")
            let columns = row.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            #expect(columns.contains(e.title) && columns.contains("\(e.entry)()") && columns.contains("\(e.tests.count)"), "\(row)")
            #expect(columns.contains("\(e.limits.memoryMiB) MiB"), "\(row)")
        }
    }

    @Test func checkNamesTheFileAndLineOfAMalformedDefinition() throws {
        let scratch = try Scratch()
        let yaml = try scratch.file("broken/exercise.yaml", "id: broken\ntitle: Broken\nentry: f\ntests:\n  - name: a\n    weight: heavy\n")
        for name in ["prompt.md", "starter.py", "reference.py"] { _ = try scratch.file("broken/\(name)", "\n") }
        let result = try PygradeBinary.run(["check", "--exercises", scratch.url.path, "--fixtures", scratch.url.path])
        #expect(result.status == 1)
        #expect(result.stdout.contains("FAIL definition \(yaml): \(yaml):6: weight must be a number"), "\(result.stdout)")

        let list = try PygradeBinary.run(["list", "--exercises", scratch.url.path])
        #expect(list.status == 2)
        #expect(list.stderr == "pygrade: \(yaml):6: weight must be a number\n")
    }

    /// Every status an exercise can get has a fixture that gets it.
    /// `rule_violation` needs a rule, so only exercises with rules need it.
    @Test func everyExerciseHasAFixtureForEveryStatusItCanGet() throws {
        let catalog = try ExerciseCatalog.load(from: Self.exercises)
        var seen: [String: Set<ExerciseStatus>] = [:]
        for path in try Fixture.paths(in: PygradeBinary.root.appendingPathComponent("Fixtures").path) {
            for e in try Fixture.load(path).expectations { seen[e.exercise, default: []].formUnion(e.statuses) }
        }
        let paths = try Fixture.paths(in: PygradeBinary.root.appendingPathComponent("Fixtures").path)
        #expect(paths.count >= 40)
        for e in catalog.exercises {
            var wanted = Set(ExerciseStatus.allCases)
            if e.rules.isEmpty { wanted.remove(.ruleViolation) }
            let missing = wanted.subtracting(seen[e.id] ?? [])
            #expect(missing.isEmpty, "\(e.id): no fixture for \(missing.map(\.rawValue).sorted())")
        }
    }
}
