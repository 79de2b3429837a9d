import Foundation

/// Reorders the members of a compact JSON object. Foundation's encoder has
/// no stable key order but sorted; we want a few keys first.
enum JSONLine {
    static func reordered(_ json: [UInt8], first: [String]) -> [UInt8] {
        guard let members = topLevelMembers(json) else { return json }
        var byKey: [String: ArraySlice<UInt8>] = [:]
        for m in members { byKey[m.key] = json[m.range] }
        var order = first.filter { byKey[$0] != nil }
        order += members.map(\.key).filter { !first.contains($0) }
        var out: [UInt8] = [UInt8(ascii: "{")]
        for (i, key) in order.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            out += byKey[key]!
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// Each top-level `"key":value`, as a byte range; nil if not a compact object.
    static func topLevelMembers(_ json: [UInt8]) -> [(key: String, range: Range<Int>)]? {
        guard json.first == UInt8(ascii: "{"), json.last == UInt8(ascii: "}") else { return nil }
        var members: [(String, Range<Int>)] = []
        var depth = 0
        var strings = JSONStringScanner()
        var start = 1
        var keyEnd = -1
        for i in 1..<(json.count - 1) {
            let c = json[i]
            if strings.inString(c) { continue }
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
            case UInt8(ascii: ":") where depth == 0 && keyEnd < 0:
                keyEnd = i
            case UInt8(ascii: ",") where depth == 0:
                guard keyEnd > start else { return nil }
                members.append((key(json[start..<keyEnd]), start..<i))
                start = i + 1
                keyEnd = -1
            default:
                break
            }
        }
        if json.count > 2 {
            guard keyEnd > start else { return nil }
            members.append((key(json[start..<keyEnd]), start..<(json.count - 1)))
        }
        return members
    }

    private static func key(_ bytes: ArraySlice<UInt8>) -> String {
        (try? JSONDecoder().decode(String.self, from: Data(bytes))) ?? String(decoding: bytes, as: UTF8.self)
    }
}
