import Foundation

/// What a file system entry is, from `lstat`, `fstatat(AT_SYMLINK_NOFOLLOW)`
/// or `fstat` on a descriptor: never what a symbolic link points to.
enum EntryKind: Sendable, Equatable {
    case regular, folder, symbolicLink, fifo, device, socket, other

    init(mode: mode_t) {
        switch mode & S_IFMT {
        case S_IFREG: self = .regular
        case S_IFDIR: self = .folder
        case S_IFLNK: self = .symbolicLink
        case S_IFIFO: self = .fifo
        case S_IFCHR, S_IFBLK: self = .device
        case S_IFSOCK: self = .socket
        default: self = .other
        }
    }

    /// How a refusal names it: "a symbolic link, not a regular file".
    var phrase: String {
        switch self {
        case .regular: "a regular file"
        case .folder: "a folder"
        case .symbolicLink: "a symbolic link"
        case .fifo: "a FIFO"
        case .device: "a device"
        case .socket: "a socket"
        case .other: "not a file"
        }
    }
}

/// A folder held open as a descriptor. Its entries are listed, examined and
/// opened relative to that descriptor, by a name of one component, never
/// through a path and never following a symbolic link: the folder cannot be
/// swapped under us, and an entry swapped for a symbolic link between the
/// look and the open makes the open fail (`ELOOP`) instead of reading
/// whatever the link points to.
final class OpenFolder {
    /// One entry: its name as text (to match and to show) and as the bytes
    /// the kernel gave (to open it, even when they are not UTF-8).
    struct Entry {
        var name: String
        var bytes: [CChar]
    }

    let fd: Int32

    /// Opens a folder. `following`: whether `path` itself may be a symbolic
    /// link (the path an operator typed may; one found inside a submission
    /// may not).
    init(_ path: String, following: Bool) throws(SystemError) {
        fd = try retryingOnInterrupt("open") {
            open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | (following ? 0 : O_NOFOLLOW))
        }
    }

    /// Takes over a descriptor already open on a folder.
    init(adopting fd: Int32) { self.fd = fd }

    deinit { close(fd) }

    /// Every entry but `.` and `..`, sorted by name.
    func entries() throws(SystemError) -> [Entry] {
        let copy = dup(fd)
        guard copy >= 0 else { throw SystemError("dup") }
        guard let dir = fdopendir(copy) else {
            let error = SystemError("fdopendir")
            close(copy)
            throw error
        }
        defer { closedir(dir) }
        // The copy shares the descriptor's offset: start from the top.
        rewinddir(dir)
        var out: [Entry] = []
        while true {
            errno = 0
            guard let entry = readdir(dir) else {
                if errno != 0 { throw SystemError("readdir") }
                break
            }
            let bytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                Array(raw.bindMemory(to: CChar.self).prefix { $0 != 0 }) + [0]
            }
            let name = String(decoding: bytes.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if name != "." && name != ".." { out.append(Entry(name: name, bytes: bytes)) }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// What the entry is itself (a symbolic link is not followed).
    func kind(of entry: Entry) throws(SystemError) -> EntryKind {
        var st = stat()
        guard fstatat(fd, entry.bytes, &st, AT_SYMLINK_NOFOLLOW) == 0 else { throw SystemError("fstatat") }
        return EntryKind(mode: st.st_mode)
    }

    /// Opens an entry for reading: never through a symbolic link (`ELOOP`),
    /// and without blocking on a FIFO that has no writer (what it is, the
    /// caller then asks the descriptor with `fstat`).
    func openForReading(_ entry: Entry) throws(SystemError) -> Int32 {
        try retryingOnInterrupt("openat") { openat(fd, entry.bytes, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
    }
}
