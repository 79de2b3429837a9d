import Foundation
import PygradeKit
import Testing

/// docs/exercise-format.md cannot rot: its walk-through is followed
/// literally (every file it shows written, every command it shows run, and
/// what each prints compared with what it shows), and its tables name every
/// key the loader accepts, and no other.
@Suite("The exercise format doc")
struct ExerciseFormatDocTests {
    static let doc = PygradeBinary.root.appendingPathComponent("docs/exercise-format.md")
    /// The folder the walk-through says it works in.
    static let course = "/home/you/course"

    struct Block {
        var info: String
        var lines: [String]
        var file: String? {
            info.split(separator: " ").first { $0.hasPrefix("file=") }.map { String($0.dropFirst("file=".count)) }
        }
    }

    static func blocks(_ text: String) -> [Block] {
        var out: [Block] = []
        var current: Block?
        for line in text.components(separatedBy: "\n") {
            if line.hasPrefix("```") {
                if let c = current {
                    out.append(c)
                    current = nil
                } else {
                    current = Block(info: String(line.dropFirst(3)), lines: [])
                }
            } else {
                current?.lines.append(line)
            }
        }
        return out
    }

    /// Durations and the slowest test vary from run to run; nothing else may.
    static func normalised(_ line: String) -> String {
        var s = line
        for (pattern, replacement) in [
            (#"\([\w-]+: [0-9.]+ of [0-9.]+ ms\)"#, "(TEST: N of N ms)"),
            (#"[0-9.]+%"#, "N%"),
            (#"\([0-9.]+ ms\)"#, "(N ms)"),
        ] {
            s = s.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
        }
        return s
    }

    @Test func theWalkThroughDoesWhatItSays() throws {
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-course-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        var files = 0
        var commands = 0
        for block in Self.blocks(text) {
            if let file = block.file {
                let url = folder.appendingPathComponent(file)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try (block.lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
                files += 1
                continue
            }
            guard block.info == "console" else { continue }
            // Each `$ ` line, then what it prints up to the next one.
            var steps: [(command: String, output: [String])] = []
            for line in block.lines {
                if line.hasPrefix("$ ") {
                    steps.append((String(line.dropFirst(2)), []))
                } else {
                    try #require(!steps.isEmpty, "output before any command: \(line)")
                    steps[steps.count - 1].output.append(line)
                }
            }
            for step in steps {
                let words = step.command.split(separator: " ").map(String.init)
                if words.first == "mkdir" {
                    try #require(words.count > 2 && words[1] == "-p" && step.output.isEmpty, "\(step.command)")
                    for path in words.dropFirst(2) {
                        try FileManager.default.createDirectory(at: folder.appendingPathComponent(path), withIntermediateDirectories: true)
                    }
                    continue
                }
                try #require(words.first == "pygrade", "\(step.command)")
                // The walk-through relies on the folders in the working
                // directory: nothing may point elsewhere.
                let result = try PygradeBinary.run(Array(words.dropFirst()), environment: ["PYGRADE_EXERCISES": ""], in: folder)
                #expect(result.status == 0, "\(step.command): \(result.stderr)")
                let shown = step.output.map(Self.normalised)
                // What the sandbox has on this machine is no part of the
                // walk-through: a line about it is not compared.
                let printed = (result.stdout + result.stderr).replacingOccurrences(of: folder.path, with: Self.course)
                    .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
                    .filter { !$0.contains("sandbox") }
                    .map(Self.normalised)
                #expect(printed.last == "")
                #expect(Array(printed.dropLast()) == shown, "\(step.command) printed:\n\(result.stdout)\(result.stderr)")
                commands += 1
            }
        }
        // The typo the doc shows, made in the walk-through's exercise.
        let example = try #require(text.split(separator: "\n").first { $0.contains("is not a Python expression") })
        let yaml = folder.appendingPathComponent("Exercises/word_count/exercise.yaml")
        let definition = try String(contentsOf: yaml, encoding: .utf8)
        let typo = definition.replacingOccurrences(
            of: "- name: empty-text\n    visibility: visible\n    hint: empty input\n    args: [\"''\"]",
            with: "- name: empty-text\n    visibility: visible\n    hint: empty input\n    args: [\"'\"]")
        #expect(typo != definition)
        try typo.write(to: yaml, atomically: true, encoding: .utf8)
        let list = try PygradeBinary.run(["list"], environment: ["PYGRADE_EXERCISES": ""], in: folder)
        #expect(list.status == 2)
        #expect(list.stderr.replacingOccurrences(of: folder.path, with: Self.course) == "pygrade: \(example)\n")
        // The walk-through as written: five files of the exercise, a
        // fixture, an answer; list, check twice, grade (mkdir is no
        // pygrade command).
        #expect(files == 7 && commands == 4, "\(files) files, \(commands) commands")
    }

    /// The first column of each table under a `### ` heading of the keys'
    /// section.
    static func keys(in text: String, table heading: String) -> Set<String> {
        guard let start = text.range(of: "\n### \(heading)\n") else { return [] }
        let rest = text[start.upperBound...]
        let section = rest.range(of: "\n#").map { rest[..<$0.lowerBound] } ?? rest
        var keys = Set<String>()
        for line in section.split(separator: "\n") where line.hasPrefix("| `") {
            let cell = line.dropFirst(3).prefix { $0 != "`" }
            keys.insert(String(cell))
        }
        return keys
    }

    @Test func theTablesNameEveryKeyTheLoaderAccepts() throws {
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        #expect(Self.keys(in: text, table: "Top level") == ExerciseLoader.definitionKeys)
        #expect(Self.keys(in: text, table: "limits") == ExerciseLoader.limitKeys)
        #expect(Self.keys(in: text, table: "rules") == ExerciseLoader.ruleKeys)
        #expect(Self.keys(in: text, table: "tests") == ExerciseLoader.testKeys)
        let generate = try #require(text.split(separator: "\n").first { $0.hasPrefix("| `generate` |") })
        for key in ExerciseLoader.generateKeys { #expect(generate.contains("`\(key)`"), "generate's row does not name \(key)") }
        #expect(text.contains("`rng`"))
        // And README and the exercises page point at it.
        let readme = try String(contentsOf: PygradeBinary.root.appendingPathComponent("README.md"), encoding: .utf8)
        #expect(readme.contains("(docs/exercise-format.md)"))
        let exercises = try String(contentsOf: PygradeBinary.root.appendingPathComponent("docs/exercises.md"), encoding: .utf8)
        #expect(exercises.contains("(exercise-format.md)"))
    }
}
