import Foundation
import Testing

@testable import PygradeKit

@Suite("PathText")
struct PathTextTests {
    /// What NSString.deletingLastPathComponent gives, where it does not trap,
    /// and the one-character paths where it does.
    @Test(arguments: [
        ("a", ""), ("-", ""), ("a/", ""), ("/", "/"), ("/a", "/"), ("a/b", "a"), ("a/b/", "a"), ("/a/b", "/a"),
        ("x.py", ""), ("dir/x.py", "dir"), ("/tmp//x.py", "/tmp"), ("../x", ".."),
    ])
    func folderOfAPath(path: String, folder: String) {
        #expect(PathText.folder(of: path) == folder)
        if path.count > 1 && path != "a/" {
            #expect(folder == (path as NSString).deletingLastPathComponent, "\(path)")
        }
    }
}
