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

    /// Every relative link of README.md and docs/*.md leads to a file of the
    /// repository, and to one of its headings when it names one (as GitHub
    /// makes their anchors): a page moved or a heading renamed breaks this,
    /// not a reader's click. A link with a scheme would lead outside.
    @Test func everyLinkOfTheDocsResolves() throws {
        let root = PygradeBinary.root.standardizedFileURL
        let docs = root.appendingPathComponent("docs")
        let pages =
            [root.appendingPathComponent("README.md")]
            + (try FileManager.default.contentsOfDirectory(at: docs, includingPropertiesForKeys: nil))
            .filter { $0.pathExtension == "md" }.sorted { $0.path < $1.path }
        var broken: [String] = []
        var links = 0
        for page in pages {
            let name = page.path.dropFirst(root.path.count + 1)
            for target in MarkdownLinks.targets(in: try String(contentsOf: page, encoding: .utf8)) {
                links += 1
                guard !target.contains("://") && !target.hasPrefix("mailto:") else {
                    broken.append("\(name): \(target) leads outside the repository")
                    continue
                }
                let parts = target.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)
                let path = String(parts[0])
                let file = path.isEmpty ? page : page.deletingLastPathComponent().appendingPathComponent(path).standardizedFileURL
                guard file.path.hasPrefix(root.path + "/") else {
                    broken.append("\(name): \(target) leads outside the repository")
                    continue
                }
                guard FileManager.default.fileExists(atPath: file.path) else {
                    broken.append("\(name): \(target): no such file")
                    continue
                }
                guard parts.count == 2 else { continue }
                let text = file.pathExtension == "md" ? try? String(contentsOf: file, encoding: .utf8) : nil
                if !(text.map { MarkdownLinks.anchors(in: $0).contains(String(parts[1])) } ?? false) {
                    broken.append("\(name): \(target): no such heading")
                }
            }
        }
        #expect(broken.isEmpty, "\(broken.joined(separator: "\n"))")
        // The control: the pages do link to each other.
        #expect(links > 40, "\(links) links found")
    }

    @Test func linksAndAnchorsAreReadAsGitHubReadsThem() {
        let text = """
            # Using `pygrade check --assignment`
            ## Résumé, again: 2 ways
            ## Résumé, again: 2 ways
            ```
            # not a heading [nor](a-link.md)
            ```
            See [the
            page](other.md#x), [`code`](code.md) and `[not](inline.md)`.
            """
        #expect(MarkdownLinks.targets(in: text) == ["other.md#x", "code.md"])
        #expect(MarkdownLinks.anchors(in: text) == ["using-pygrade-check---assignment", "résumé-again-2-ways", "résumé-again-2-ways-1"])
    }

    /// Compiled Python is the machine's, not the project's.
    @Test func compiledPythonIsIgnored() throws {
        let ignore = try String(contentsOf: PygradeBinary.root.appendingPathComponent(".gitignore"), encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains("__pycache__/"))
    }
}

/// Links and headings of a markdown page, outside code: what a reader can
/// follow, and the anchors GitHub gives the headings.
enum MarkdownLinks {
    /// The page with its fenced code blocks blanked (their lines kept).
    static func prose(_ text: String) -> [String] {
        var inside = false
        return text.components(separatedBy: "\n").map { line in
            if line.hasPrefix("```") {
                inside.toggle()
                return ""
            }
            return inside ? "" : line
        }
    }

    /// The target of every `[text](target)`, in order; code spans hold none.
    static func targets(in text: String) -> [String] {
        let body = prose(text).joined(separator: "\n")
            .replacingOccurrences(of: "`[^`]+`", with: "code", options: .regularExpression)
        let link = try! NSRegularExpression(pattern: #"\[[^\]]*\]\(([^)\s]+)\)"#)
        return link.matches(in: body, range: NSRange(body.startIndex..., in: body)).compactMap {
            Range($0.range(at: 1), in: body).map { String(body[$0]) }
        }
    }

    /// Each heading's anchor: lower case, only letters, digits, `-` and
    /// `_` kept, spaces made `-`; a repeated one gets `-1`, `-2`...
    static func anchors(in text: String) -> [String] {
        var seen: [String: Int] = [:]
        return prose(text).compactMap { line -> String? in
            let level = line.prefix { $0 == "#" }.count
            guard (1...6).contains(level), line.dropFirst(level).first == " " else { return nil }
            let slug = String(
                line.dropFirst(level + 1).trimmingCharacters(in: .whitespaces).lowercased()
                    .filter { $0.isLetter || $0.isNumber || $0 == " " || $0 == "-" || $0 == "_" }
                    .map { $0 == " " ? "-" : $0 })
            let n = seen[slug, default: 0]
            seen[slug] = n + 1
            return n == 0 ? slug : "\(slug)-\(n)"
        }
    }
}
