import Foundation
import Testing

/// Jupyter notebooks as submissions: graded from their code cells, magics
/// and shell escapes taken out (and counted in the report), stored outputs
/// never read, a malformed one refused in one line.
@Suite("notebooks")
struct NotebookTests {
    static func notebook(_ cells: [String], nbformat: Int = 4) throws -> String {
        let json: [String: Any] = [
            "nbformat": nbformat, "nbformat_minor": 5, "metadata": [:],
            "cells": cells.map { ["cell_type": "code", "metadata": [:], "outputs": [], "execution_count": NSNull(), "source": $0] },
        ]
        return String(decoding: try JSONSerialization.data(withJSONObject: json), as: UTF8.self)
    }

    @Test func aNotebookIsGradedFromItsCodeCellsAndNeverFromItsOutputs() throws {
        let result = try PygradeBinary.run(["grade", PygradeBinary.fixture("notebook_every_exercise.ipynb"), "--format", "json"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try result.json()
        #expect(json["verdict"] as? String == "passed" && json["notes"] == nil)
        #expect(!result.stdout.contains("ALL TESTS PASSED"))
        #expect(try SchemaValidator.validate(result.stdout, against: "report.schema.json").status == 0)
    }

    @Test func magicsAndShellEscapesAreTakenOutAndCounted() throws {
        let json = try PygradeBinary.run(["grade", PygradeBinary.fixture("notebook_magics.ipynb"), "--format", "json"]).json()
        #expect(json["notes"] as? [String] == ["5 IPython magics and shell escapes removed from the notebook before grading"])
        let exercises = try #require(json["exercises"] as? [[String: Any]])
        #expect(exercises.first { $0["id"] as? String == "reverse" }?["status"] as? String == "passed")
        let text = try PygradeBinary.run(["grade", PygradeBinary.fixture("notebook_magics.ipynb")])
        #expect(
            text.stdout.contains("\n  note: 5 IPython magics and shell escapes removed from the notebook before grading\n"),
            "\(text.stdout)")
    }

    @Test func aNotebookThatIsNotOneIsBadInputInOneLine() throws {
        let scratch = try BatchScratch()
        try scratch.write("old.ipynb", try Self.notebook(["def double(x):\n    return 2 * x\n"], nbformat: 3))
        try scratch.write("list.ipynb", "[1, 2]")
        for (name, problem) in [
            ("old.ipynb", "not a Jupyter notebook of nbformat 4 (nbformat 3)"), ("list.ipynb", "not a Jupyter notebook: not a JSON object"),
        ] {
            let r = try PygradeBinary.run(["grade", scratch.path(name), "--exercises-dir", scratch.exercises])
            #expect(r.status == 2)
            #expect(r.stderr == "pygrade: \(scratch.path(name)): \(problem)\n", "\(r.stderr)")
        }
        let r = try PygradeBinary.run(["grade", PygradeBinary.fixture("notebook_malformed.ipynb")])
        #expect(r.status == 2 && r.stderr.hasSuffix("notebook_malformed.ipynb: not a Jupyter notebook: not valid JSON\n"), "\(r.stderr)")
    }

    @Test func aBatchGradesNotebooksAsFilesAndInFolders() throws {
        let scratch = try BatchScratch()
        try scratch.write("candidates/ana.ipynb", try Self.notebook(["!pip install nothing\n", "def double(x):\n    return x + x\n"]))
        try scratch.write("candidates/bob/solution.ipynb", try Self.notebook(["def double(x):\n    return 3 * x\n"]))
        try scratch.write("candidates/carl/solution.ipynb", try Self.notebook(["def double(x):\n    return 2 * x\n"]))
        try scratch.write("candidates/carl/solution.py", "def double(x):\n    return 2 * x\n")
        // A sub-folder named like a notebook is no notebook: the .py is graded.
        try scratch.write("candidates/dave/solution.py", "def double(x):\n    return 2 * x\n")
        try scratch.write("candidates/dave/solution.ipynb/readme.txt", "not a notebook\n")
        let out = scratch.path("r.jsonl")
        let result = try PygradeBinary.run([
            "batch", scratch.candidates, "--out", out, "--exercises-dir", scratch.exercises, "--no-progress",
        ])
        #expect(result.status == 4, "carl's folder is bad input: \(result.stderr)")
        let records = BatchScratch.lines(out).compactMap { $0 }
        func record(_ name: String) -> [String: Any]? {
            records.first { ($0["submission"] as? String)?.hasSuffix("/\(name)") == true }
        }
        #expect(record("ana.ipynb")?["verdict"] as? String == "passed")
        #expect((record("ana.ipynb")?["notes"] as? [String])?.first?.hasPrefix("1 IPython magic and shell escape removed") == true)
        #expect(record("bob")?["verdict"] as? String == "failed")
        #expect(record("dave")?["verdict"] as? String == "passed", "\(records)")
        #expect(record("carl")?["error"] as? String == "both solution.py and solution.ipynb: cannot tell which to grade", "\(records)")
    }
}
