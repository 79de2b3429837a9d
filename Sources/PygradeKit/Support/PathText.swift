/// Paths as the operator wrote them, taken apart without Foundation:
/// `NSString.deletingLastPathComponent` traps (SIGILL) on a one-character
/// path such as `a` or `-` in the Swift 6.3 toolchain's Foundation, so
/// `pygrade grade a` crashed.
public enum PathText {
    /// The folder holding the last component of `path`, as written: "" for
    /// a bare name, "/" for a name at the root; trailing slashes ignored.
    public static func folder(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1 && p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "" }
        var folder = p[..<slash]
        while folder.count > 1 && folder.hasSuffix("/") { folder = folder.dropLast() }
        return folder.isEmpty ? "/" : String(folder)
    }
}
