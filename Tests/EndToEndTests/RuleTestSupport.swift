import Foundation
import Testing

/// What the rule suites share: an exercise folder of their own and a batch
/// over it.
protocol RuleTestSupport {}

extension RuleTestSupport {
    /// A folder with `exercises/rev/` defined by `yaml`.
    static func folder(exercise yaml: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-rules-\(UUID().uuidString)")
        let ex = dir.appendingPathComponent("exercises/rev")
        try FileManager.default.createDirectory(at: ex, withIntermediateDirectories: true)
        try yaml.write(to: ex.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "Reverse.\n".write(to: ex.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def reverse_string(s):\n    pass\n".write(to: ex.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def reverse_string(s):\n    out = ''\n    for c in s:\n        out = c + out\n    return out\n".write(
            to: ex.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Grades each source as a candidate of `dir`'s exercise in one batch;
    /// the exercise's report for each, in order.
    static func batch(_ sources: [String], in dir: URL, environment: [String: String] = [:]) throws -> [[String: Any]?] {
        let candidates = dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: candidates, withIntermediateDirectories: true)
        var index: [String: Int] = [:]
        for (i, source) in sources.enumerated() {
            let file = candidates.appendingPathComponent("case\(String(format: "%03d", i)).py")
            try source.write(to: file, atomically: true, encoding: .utf8)
            index[file.lastPathComponent] = i
        }
        let results = dir.appendingPathComponent("results.jsonl")
        let run = try PygradeBinary.run(
            [
                "batch", candidates.path, "--exercises-dir", dir.appendingPathComponent("exercises").path, "--out", results.path,
                "--no-progress",
            ], environment: environment)
        #expect(run.status == 0, "\(run.stderr)")
        var out = [[String: Any]?](repeating: nil, count: sources.count)
        for line in try String(contentsOf: results, encoding: .utf8).split(separator: "\n") {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let submission = record["submission"] as? String, let i = index[URL(fileURLWithPath: submission).lastPathComponent]
            else { continue }
            out[i] = (record["exercises"] as? [[String: Any]])?.first
        }
        return out
    }
}
