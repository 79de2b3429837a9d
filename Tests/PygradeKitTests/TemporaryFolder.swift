import Foundation

/// A folder under /tmp that disappears with the value's owner.
final class TemporaryFolder {
    let url: URL

    init() {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-test-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    @discardableResult
    func write(_ relative: String, _ text: String) -> URL {
        write(relative, bytes: Array(text.utf8))
    }

    @discardableResult
    func write(_ relative: String, bytes: [UInt8]) -> URL {
        let file = url.appendingPathComponent(relative)
        try! FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try! Data(bytes).write(to: file)
        return file
    }

    /// An exercise folder with the given definition and the required files.
    @discardableResult
    func exercise(_ id: String, definition: String, reference: String = "def f(x):\n    return x\n") -> URL {
        write("\(id)/exercise.yaml", definition)
        write("\(id)/prompt.md", "# \(id)\n")
        write("\(id)/starter.py", "def f(x):\n    pass\n")
        write("\(id)/reference.py", reference)
        return url.appendingPathComponent(id)
    }
}
