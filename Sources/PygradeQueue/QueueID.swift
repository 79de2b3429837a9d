/// Random identifiers: job ids (`sub_`), batch ids (`bat_`) and lease
/// tokens. 22 base62 characters carry 130 bits from the system's generator,
/// so an id cannot be guessed from another one, and every character is
/// URL-safe.
enum QueueID {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    static func make(prefix: String = "", length: Int = 22) -> String {
        var generator = SystemRandomNumberGenerator()
        var text = prefix
        for _ in 0..<length {
            // `random(in:using:)` rejects out-of-range draws: no modulo bias.
            text.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)])
        }
        return text
    }

    static func job() -> String { make(prefix: "sub_") }
    static func batch() -> String { make(prefix: "bat_") }
    static func token() -> String { make() }
}
