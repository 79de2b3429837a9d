/// Which addresses a callback may go to: public unicast only. An address is
/// its bytes (4 for IPv4, 16 for IPv6); the forms that carry an IPv4
/// address inside IPv6 (mapped, compatible, NAT64, 6to4) are judged by the
/// address they carry, so `::ffff:127.0.0.1` is loopback.
enum IPAddressClass {
    /// Why the address is not public (a few words), or nil when it is.
    static func nonPublicReason(_ bytes: [UInt8]) -> String? {
        switch bytes.count {
        case 4: return v4Reason(bytes)
        case 16: return v6Reason(bytes)
        default: return "not an IP address"
        }
    }

    static func v4Reason(_ b: [UInt8]) -> String? {
        let (a, c) = (b[0], b[1])
        switch true {
        case a == 0: return "an unspecified address (0.0.0.0/8)"
        case a == 127: return "a loopback address"
        case a == 10, a == 172 && (16...31).contains(c), a == 192 && c == 168: return "a private address (RFC 1918)"
        case a == 100 && (64...127).contains(c): return "a shared (CGNAT) address"
        case a == 169 && c == 254: return "a link-local address"
        case a >= 224 && a <= 239: return "a multicast address"
        case a >= 240: return b == [255, 255, 255, 255] ? "the broadcast address" : "a reserved address (240.0.0.0/4)"
        case a == 192 && c == 0 && b[2] == 0: return "a reserved address (192.0.0.0/24)"
        case a == 192 && c == 0 && b[2] == 2, a == 198 && c == 51 && b[2] == 100, a == 203 && c == 0 && b[2] == 113:
            return "a documentation address"
        case a == 198 && (c == 18 || c == 19): return "a benchmarking address (198.18.0.0/15)"
        default: return nil
        }
    }

    static func v6Reason(_ b: [UInt8]) -> String? {
        let zeroes10 = b[0..<10].allSatisfy { $0 == 0 }
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible): the IPv4 inside decides.
        if zeroes10 && b[10] == 0xff && b[11] == 0xff { return v4Reason(Array(b[12..<16])).map { "\($0), IPv4-mapped" } }
        if zeroes10 && b[10] == 0 && b[11] == 0 {
            if b[12..<16].allSatisfy({ $0 == 0 }) { return "the unspecified address (::)" }
            if b[12..<15].allSatisfy({ $0 == 0 }) && b[15] == 1 { return "a loopback address (::1)" }
            return v4Reason(Array(b[12..<16])).map { "\($0), IPv4-compatible" } ?? "a deprecated IPv4-compatible address"
        }
        // 64:ff9b::/96, the well-known NAT64 prefix: a gateway would forward to the IPv4 inside.
        if b[0..<4] == [0x00, 0x64, 0xff, 0x9b] && b[4..<12].allSatisfy({ $0 == 0 }) {
            return v4Reason(Array(b[12..<16])).map { "\($0), through NAT64" }
        }
        if b[0..<6] == [0x00, 0x64, 0xff, 0x9b, 0x00, 0x01] { return "a local-use NAT64 address (64:ff9b:1::/48)" }
        // 2002::/16, 6to4: the IPv4 of the relay's far end is in bytes 2...5.
        if b[0] == 0x20 && b[1] == 0x02 { return v4Reason(Array(b[2..<6])).map { "\($0), inside 6to4" } }
        if b[0] & 0xfe == 0xfc { return "a unique-local address (fc00::/7)" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return "a link-local address (fe80::/10)" }
        if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return "a site-local address (fec0::/10)" }
        if b[0] == 0xff { return "a multicast address" }
        if b[0] == 0x01 && b[1] == 0x00 && b[2..<8].allSatisfy({ $0 == 0 }) { return "a discard address (100::/64)" }
        if b[0..<4] == [0x20, 0x01, 0x0d, 0xb8] { return "a documentation address (2001:db8::/32)" }
        // Teredo tunnels to an address of its own choosing: not checkable here.
        if b[0..<4] == [0x20, 0x01, 0x00, 0x00] { return "a Teredo address (2001::/32)" }
        return nil
    }
}
