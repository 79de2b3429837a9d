import ArgumentParser

/// The one-line refusal of a limit out of range (negative, zero, NaN,
/// infinite, too large): exit 2, naming the flag, its range and the value.
enum Limit {
    static func check(_ flag: String, _ value: Double?, above low: Double, atMost high: Double, unit: String) throws {
        // Written so that NaN fails too: every comparison with it is false.
        guard let value, !(value > low && value <= high) else { return }
        throw ValidationError("\(flag) must be more than \(number(low)) and at most \(number(high)) \(unit) (got \(number(value)))")
    }

    static func check(_ flag: String, _ value: Int?, from low: Int, to high: Int, unit: String = "") throws {
        guard let value, !(low...high).contains(value) else { return }
        let range = high == Int.max ? "at least \(low)" : "from \(low) to \(high)"
        throw ValidationError("\(flag) must be \(range)\(unit.isEmpty ? "" : " " + unit) (got \(value))")
    }

    private static func number(_ d: Double) -> String { d.isFinite && d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d) }
}
