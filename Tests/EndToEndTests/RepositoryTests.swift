import Foundation
import Testing

/// The repository stands on its own: a user who clones it has no contract
/// or design notes beside it, so nothing in it may send them there.
@Suite("The repository")
struct RepositoryTests {
    /// Text a reader would follow out of the repository: the contract and
    /// design notes the project was started from, by name or by section.
    static let outsideReferences = ["../shared", "SPEC.md", "DESIGN.md", "SPEC §"]

    @Test func nothingPointsOutsideTheRepository() throws {
        let root = PygradeBinary.root
        var found: [String] = []
        for top in ["README.md", "Sources", "Tests", "docs", "bench", "scripts", "Exercises", "Fixtures", ".ci", "Package.swift"] {
            let url = root.appendingPathComponent(top)
            var files: [URL] = []
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else { continue }
            if isFolder.boolValue {
                let walk = FileManager.default.enumerator(at: url, includingPropertiesForKeys: [.isRegularFileKey])
                while let f = walk?.nextObject() as? URL {
                    if (try? f.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true { files.append(f) }
                }
            } else {
                files = [url]
            }
            for f in files where !f.path.contains("__pycache__") && f.lastPathComponent != "RepositoryTests.swift" {
                guard let text = try? String(contentsOf: f, encoding: .utf8) else { continue }
                for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                    for r in Self.outsideReferences where line.contains(r) {
                        found.append("\(f.path.dropFirst(root.path.count + 1)):\(n + 1): \(r)")
                    }
                }
            }
        }
        #expect(found.isEmpty, "\(found.joined(separator: "\n"))")
    }

    /// Compiled Python is the machine's, not the project's.
    @Test func compiledPythonIsIgnored() throws {
        let ignore = try String(contentsOf: PygradeBinary.root.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains("__pycache__/"))
    }
}
