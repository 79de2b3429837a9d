import Foundation

public enum ReportJSON {
    public static func encoder(pretty: Bool = true) -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = pretty ? [.prettyPrinted, .withoutEscapingSlashes] : [.withoutEscapingSlashes]
        return e
    }

    public static func encode(_ report: Report, pretty: Bool = true) throws -> String {
        String(decoding: try encoder(pretty: pretty).encode(report), as: UTF8.self)
    }
}
