import Foundation

/// The machine's python3 (the version pygrade embeds), as an oracle: tables
/// of what Python says, printed as JSON by a script.
public enum Python3 {
    public static let path = "/usr/bin/python3"

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// The rows of strings that `python3 -I -c script` prints as JSON, each
    /// of `width` strings.
    public static func rows(of script: String, width: Int) throws -> [[String]] {
        guard FileManager.default.isExecutableFile(atPath: path) else { throw Failure(description: "the table needs \(path)") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-I", "-c", script]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Failure(description: "python3 exited with \(process.terminationStatus)") }
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String]], rows.allSatisfy({ $0.count == width }) else {
            throw Failure(description: "python3 printed no table of rows of \(width) strings")
        }
        return rows
    }
}
