import Foundation

/// A time as UTC calendar fields, whatever the machine's time zone and
/// locale: what the reports print (`2025-06-01 14:03 UTC`, ISO 8601).
enum UTCTime {
    static func fields(_ d: Date) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        var t = time_t(d.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&t, &parts)
        return (
            Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min),
            Int(parts.tm_sec)
        )
    }
}
