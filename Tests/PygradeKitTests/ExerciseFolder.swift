import Foundation
import TestSupport

extension TemporaryFolder {
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
