import Crypto
import Foundation
import Yams

/// One API key as the keys file holds it: never the key, only its SHA-256.
public struct APIKey: Sendable, Equatable, Codable {
    public var id: String
    /// Lowercase hex SHA-256 of the key's text.
    public var sha256: String
    /// Requests per minute (a token bucket of that size, refilled evenly).
    public var ratePerMinute: Int
    /// Queued and running submissions this key may have at once.
    public var maxQueued: Int

    enum CodingKeys: String, CodingKey {
        case id, sha256
        case ratePerMinute = "rate_per_minute"
        case maxQueued = "max_queued"
    }

    public init(id: String, sha256: String, ratePerMinute: Int, maxQueued: Int) {
        self.id = id
        self.sha256 = sha256.lowercased()
        self.ratePerMinute = ratePerMinute
        self.maxQueued = maxQueued
    }
}

/// Why a keys file cannot be used: one sentence naming the file.
public struct APIKeysError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// The keys a server accepts (`--keys FILE`, YAML:
/// `keys: [{id, sha256, rate_per_minute, max_queued}]`). Empty: the server
/// has no keys and every request belongs to `local`.
public struct APIKeys: Sendable {
    public private(set) var keys: [APIKey]
    private var digests: [[UInt8]]

    public init(_ keys: [APIKey] = []) {
        self.keys = keys
        digests = keys.map { Self.bytes(ofHex: $0.sha256) ?? [] }
    }

    public var isEmpty: Bool { keys.isEmpty }

    private struct File: Decodable { var keys: [APIKey] }

    public static func load(path: String) throws(APIKeysError) -> APIKeys {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw APIKeysError(description: "\(path): missing or unreadable")
        }
        let file: File
        do {
            file = try YAMLDecoder().decode(File.self, from: text)
        } catch {
            throw APIKeysError(description: "\(path): not a keys file (keys: [{id, sha256, rate_per_minute, max_queued}]): \(error)")
        }
        var seen: Set<String> = []
        for key in file.keys {
            guard !key.id.isEmpty, key.id.count <= 100, key.id != "local" else {
                throw APIKeysError(description: "\(path): key id '\(key.id)' must be 1 to 100 characters and not 'local'")
            }
            guard seen.insert(key.id).inserted else { throw APIKeysError(description: "\(path): key id '\(key.id)' is listed twice") }
            guard let digest = bytes(ofHex: key.sha256), digest.count == 32 else {
                throw APIKeysError(description: "\(path): key '\(key.id)' needs sha256 as 64 hex digits")
            }
            guard key.ratePerMinute >= 1, key.maxQueued >= 1 else {
                throw APIKeysError(description: "\(path): key '\(key.id)' needs rate_per_minute and max_queued of at least 1")
            }
        }
        guard !file.keys.isEmpty else { throw APIKeysError(description: "\(path): lists no keys") }
        return APIKeys(file.keys.map { APIKey(id: $0.id, sha256: $0.sha256, ratePerMinute: $0.ratePerMinute, maxQueued: $0.maxQueued) })
    }

    /// The key whose hash is that of `presented`. Every key's digest is
    /// compared in full, so the time taken says nothing about which bytes
    /// matched.
    public func key(presented: String) -> APIKey? {
        let digest = Array(SHA256.hash(data: Data(presented.utf8)))
        var found: Int?
        for (i, d) in digests.enumerated() {
            var diff: UInt8 = d.count == digest.count ? 0 : 1
            for j in 0..<min(d.count, digest.count) { diff |= d[j] ^ digest[j] }
            if diff == 0 { found = i }
        }
        return found.map { keys[$0] }
    }

    static func bytes(ofHex hex: String) -> [UInt8]? {
        let chars = Array(hex.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        var i = 0
        while i < chars.count {
            guard let hi = nibble(chars[i]), let lo = nibble(chars[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
