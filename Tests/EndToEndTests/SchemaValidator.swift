import Foundation

/// Validates JSON against docs/*.schema.json with a real JSON Schema
/// validator (Python's jsonschema, installed by scripts/setup.sh).
enum SchemaValidator {
    struct Outcome {
        var status: Int32
        var problems: String
    }

    static func validate(_ json: String, against schema: String) throws -> Outcome {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-doc-\(UUID().uuidString).json")
        try json.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [
            PygradeBinary.root.appendingPathComponent("scripts/validate_schema.py").path,
            PygradeBinary.root.appendingPathComponent("docs/\(schema)").path, file.path,
        ]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, problems: String(decoding: data, as: UTF8.self))
    }
}
