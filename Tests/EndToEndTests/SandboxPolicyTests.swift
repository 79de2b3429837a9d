import Foundation
import Testing

/// `pygrade doctor`, `--sandbox strict|standard` and `grader.sandbox` tell
/// the same truth. PYGRADE_SANDBOX_DISABLE leaves layers out, to see how a
/// machine without them is treated.
@Suite("Sandbox policy and doctor")
struct SandboxPolicyTests {
    /// Doctor's layer lines: name and whether it is active.
    static func layers(_ doctor: String) -> [(name: String, active: Bool)] {
        doctor.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            guard line.hasPrefix("  "), parts.count >= 2, parts[1] == "active" || parts[1] == "MISSING" else { return nil }
            return (String(parts[0]), parts[1] == "active")
        }
    }

    static func sandbox(_ result: PygradeBinary.Result) throws -> [String] {
        try #require((try result.json()["grader"] as? [String: Any])?["sandbox"] as? [String])
    }

    @Test func doctorAndTheReportNameTheSameLayers() throws {
        let doctor = try PygradeBinary.run(["doctor"])
        #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
        let layers = Self.layers(doctor.stdout)
        for name in ["userns", "pidns", "netns", "mountns", "ipcns", "utsns", "scratch", "landlock", "no_new_privs", "seccomp", "rlimits"] {
            #expect(layers.contains { $0.name == name }, "doctor does not list \(name):\n\(doctor.stdout)")
        }
        let graded = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates", "--format", "json"])
        #expect(graded.status == 0)
        #expect(try Self.sandbox(graded) == layers.map { $0.active ? $0.name : "missing:\($0.name)" })
    }

    @Test func strictRefusesAndStandardNamesAMissingLayer() throws {
        let off = ["PYGRADE_SANDBOX_DISABLE": "landlock,netns"]
        let doctor = try PygradeBinary.run(["doctor"], environment: off)
        #expect(doctor.status == 0, "the default policy still runs")
        let layers = Self.layers(doctor.stdout)
        #expect(layers.first { $0.name == "landlock" }?.active == false)
        #expect(layers.first { $0.name == "netns" }?.active == false)
        #expect(doctor.stdout.contains("disabled by PYGRADE_SANDBOX_DISABLE"))
        #expect(doctor.stdout.contains("--sandbox strict: cannot run"))

        let args = ["grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates", "--format", "json"]
        let strict = try PygradeBinary.run(args + ["--sandbox", "strict"], environment: off)
        #expect(strict.status == 3)
        #expect(strict.stdout.isEmpty)
        #expect(
            strict.stderr.contains("landlock (disabled by PYGRADE_SANDBOX_DISABLE)") && strict.stderr.split(separator: "\n").count == 1,
            "\(strict.stderr)")

        let standard = try PygradeBinary.run(args + ["--sandbox", "standard"], environment: off)
        #expect(standard.status == 0, "\(standard.stderr)")
        let named = try Self.sandbox(standard)
        #expect(named.contains("missing:landlock") && named.contains("missing:netns") && named.contains("seccomp"), "\(named)")
    }

    /// Where people look: the text report (above the table) and the batch
    /// summary carry one line naming the missing layers, not only the JSON.
    @Test func theTextReportAndTheBatchSummaryNameMissingLayers() throws {
        let off = ["PYGRADE_SANDBOX_DISABLE": "landlock,netns"]
        func weaker(_ text: String) -> [Substring] { text.split(separator: "\n").filter { $0.hasPrefix("weaker sandbox: missing ") } }
        let graded = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates"], environment: off)
        #expect(graded.status == 0, "\(graded.stderr)")
        let lines = graded.stdout.split(separator: "\n")
        #expect(lines.count > 2 && lines[1].hasPrefix("weaker sandbox: missing "), "\(graded.stdout)")
        let line = try #require(weaker(graded.stdout).first)
        #expect(weaker(graded.stdout).count == 1)
        #expect(line.contains("netns") && line.contains("landlock") && line.hasSuffix("(`pygrade doctor` says why)"), "\(line)")

        let scratch = try BatchScratch()
        try scratch.makeCandidates(2)
        let out = scratch.path("results.jsonl")
        let batch = try PygradeBinary.run(
            ["batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--no-progress"], environment: off)
        #expect(batch.status == 0, "\(batch.stderr)")
        #expect(weaker(batch.stdout).count == 1, "\(batch.stdout)")
        #expect(weaker(batch.stdout).first.map { $0.contains("netns") && $0.contains("landlock") } == true, "\(batch.stdout)")

        // With every layer there, no such line; with some missing, the line
        // names exactly what the JSON does.
        let json = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates", "--format", "json"])
        let missing = try Self.sandbox(json).filter { $0.hasPrefix("missing:") }.map { $0.dropFirst("missing:".count) }
        let plain = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--exercise", "duplicates"])
        #expect(
            weaker(plain.stdout).map(String.init)
                == (missing.isEmpty ? [] : ["weaker sandbox: missing \(missing.joined(separator: ", ")) (`pygrade doctor` says why)"]),
            "\(plain.stdout)")
    }

    @Test func aBadPolicyIsBadUsage() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("correct.py"), "--sandbox", "lax"])
        #expect(result.status == 2)
    }
}
