import Foundation

/// A Jupyter notebook (`.ipynb`, nbformat 4) as the Python it is graded on:
/// its code cells in order, each IPython magic and shell escape taken out.
/// Stored outputs, markdown and metadata are never read: a notebook may
/// carry anything there, the answer is its code.
public enum Notebook {
    public static let fileExtension = ".ipynb"

    public static func isNotebook(_ name: String) -> Bool { name.hasSuffix(fileExtension) }

    /// The code, and how many magics and shell escapes were taken out: a
    /// line whose first character (after indentation) is `%` or `!` becomes
    /// `pass` at its indentation, so that line numbers and blocks stay; a
    /// cell that starts with a cell magic (`%%bash`, `%%time`) is not
    /// Python, and goes whole.
    public static func python(_ bytes: [UInt8], path: String) throws(SubmissionError) -> (source: [UInt8], removed: Int) {
        let object: Any
        do { object = try JSONSerialization.jsonObject(with: Data(bytes)) } catch {
            throw SubmissionError(path: path, "not a Jupyter notebook: not valid JSON")
        }
        guard let notebook = object as? [String: Any] else {
            throw SubmissionError(path: path, "not a Jupyter notebook: not a JSON object")
        }
        guard let format = notebook["nbformat"] as? Int, format == 4 else {
            let found = (notebook["nbformat"] as? Int).map { "nbformat \($0)" } ?? "no nbformat"
            throw SubmissionError(path: path, "not a Jupyter notebook of nbformat 4 (\(found))")
        }
        guard let cells = notebook["cells"] as? [Any] else {
            throw SubmissionError(path: path, "not a Jupyter notebook of nbformat 4 (no list of cells)")
        }
        var out = ""
        var removed = 0
        for case let cell as [String: Any] in cells where cell["cell_type"] as? String == "code" {
            let text: String
            if let s = cell["source"] as? String {
                text = s
            } else if let lines = cell["source"] as? [Any] {
                text = lines.compactMap { $0 as? String }.joined()
            } else {
                continue
            }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if let first = lines.first(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty }),
                first.trimmingCharacters(in: .whitespaces).hasPrefix("%%")
            {
                removed += 1
                continue
            }
            for line in lines {
                let code = line.drop { $0 == " " || $0 == "\t" }
                if code.hasPrefix("%") || code.hasPrefix("!") {
                    removed += 1
                    out += line.prefix(line.count - code.count) + "pass\n"
                } else {
                    out += line + "\n"
                }
            }
            out += "\n"
        }
        return (Array(out.utf8), removed)
    }

    /// What a report says of the notebooks it was graded from.
    public static func note(removed: Int) -> String? {
        removed == 0
            ? nil
            : "\(removed) IPython magic\(removed == 1 ? "" : "s") and shell escape\(removed == 1 ? "" : "s") removed from the notebook before grading"
    }
}
