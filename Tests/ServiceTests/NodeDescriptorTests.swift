import Foundation
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// A node's workers hold no descriptor of the process that started them
/// but their own pipes. `serve` runs the API and a node in one process, and
/// SwiftNIO does not mark its sockets close-on-exec: workers that inherited
/// the API's listening socket and its connections held each one open after
/// the server had closed it (a connection closed for idling stayed up).
@Suite(.serialized)
struct NodeDescriptorTests {
    /// This process's workers and every process they started (a worker
    /// forks its sandboxed zygote, which forks each job child).
    static func workers() -> [pid_t] {
        var parents: [pid_t: pid_t] = [:]
        var isWorker: Set<pid_t> = []
        for pid in ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap({ pid_t($0) }) {
            guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
                let line = status.split(separator: "\n").first(where: { $0.hasPrefix("PPid:") }),
                let parent = pid_t(line.dropFirst("PPid:".count).trimmingCharacters(in: .whitespaces))
            else { continue }
            parents[pid] = parent
            if let cmdline = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"),
                String(decoding: cmdline, as: UTF8.self).contains("__worker")
            {
                isWorker.insert(pid)
            }
        }
        func descends(_ pid: pid_t) -> Bool {
            var p = pid
            for _ in 0..<16 {
                guard let up = parents[p], up > 1 else { return false }
                if up == getpid() { return true }
                p = up
            }
            return false
        }
        return isWorker.filter(descends).sorted()
    }

    /// What each of the process's descriptors is (`socket:[inode]`, a path).
    static func descriptors(of pid: pid_t) -> [String] {
        let dir = "/proc/\(pid)/fd"
        let fds = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return fds.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: "\(dir)/\($0)") }
    }

    @Test func aWorkerHoldsNoneOfTheProcesssSockets() async throws {
        // Made as SwiftNIO makes its own: not close-on-exec; and clear of
        // the low numbers a worker reuses for its own pipes.
        let made = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #expect(made >= 0)
        let fd = fcntl(made, F_DUPFD, 300)
        close(made)
        #expect(fd >= 300)
        defer { close(fd) }
        var info = stat()
        #expect(fstat(fd, &info) == 0)
        let ours = "socket:[\(info.st_ino)]"
        #expect(Self.descriptors(of: getpid()).contains(ours))

        let queue = NodeTestQueue()
        let data = TemporaryFolder(prefix: "pygrade-node")
        let node = try NodeFixture.node(queue, data: data)
        let running = Task { try await node.run() }
        #expect(await NodeFixture.eventually { node.workersUp })
        let workers = Self.workers()
        #expect(!workers.isEmpty, "the node's warm worker is a child of this process")
        for worker in workers {
            let held = Self.descriptors(of: worker)
            #expect(!held.contains(ours), "worker \(worker) holds \(held)")
        }
        node.stop()
        try await running.value
    }
}
