import Foundation

/// Progress on stderr: a bar redrawn in place on a terminal, otherwise a
/// plain line every `plainInterval` seconds (for logs and CI).
public final class ProgressDisplay {
    public let terminal: Bool
    let plainInterval: Double
    private var lastPlain = -Double.infinity
    private var drewBar = false

    public init(terminal: Bool = isatty(2) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb", plainInterval: Double = 5) {
        self.terminal = terminal
        self.plainInterval = plainInterval
    }

    public func update(_ p: BatchProgress, final: Bool = false) {
        if terminal {
            FileHandle.standardError.write(Data(("\r\u{1B}[2K" + bar(p) + (final ? "\n" : "")).utf8))
            drewBar = true
        } else if final || p.seconds - lastPlain >= plainInterval {
            lastPlain = p.seconds
            FileHandle.standardError.write(Data(("pygrade: " + ProgressDisplay.line(p) + "\n").utf8))
        }
    }

    func bar(_ p: BatchProgress) -> String {
        let width = 28
        let filled = p.total > 0 ? p.done * width / p.total : width
        return "[" + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + "] "
            + ProgressDisplay.line(p)
    }

    public static func line(_ p: BatchProgress) -> String {
        var s = "\(p.done)/\(p.total)"
        if p.total > 0 { s += String(format: " (%.0f%%)", Double(p.done) * 100 / Double(p.total)) }
        s += String(format: ", %.1f/s", p.rate)
        if let eta = p.etaSeconds, p.done < p.total { s += ", ETA " + duration(eta) }
        s += ", \(p.failed) failed"
        if p.errors > 0 { s += ", \(p.errors) error\(p.errors == 1 ? "" : "s")" }
        if p.resumed > 0 { s += ", \(p.resumed) already graded" }
        return s
    }

    static func duration(_ s: Double) -> String {
        let t = Int(s.rounded(.up))
        return t >= 3600 ? String(format: "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60) : String(format: "%d:%02d", t / 60, t % 60)
    }
}
