import Foundation
import Testing

@testable import PygradeService

/// Which callback URLs are refused, and where the accepted ones connect.
struct CallbackAddressGuardTests {
    /// Names resolve from this table; anything else does not resolve.
    static let names: [String: [String]] = [
        "public.example": ["93.184.216.34", "2606:2800:220:1::1"],
        "localhost": ["127.0.0.1", "::1"],
        "rebind.example": ["93.184.216.34", "10.0.0.7"],
        "metadata.example": ["169.254.169.254"],
    ]

    static func guarded(allow: [String] = []) -> CallbackAddressGuard {
        CallbackAddressGuard(allowedHosts: allow) { host in
            guard let list = names[host] else {
                return .failure(CallbackRefusal("the callback host \(host) does not resolve", permanent: false))
            }
            return .success(list.compactMap(CallbackAddressGuard.literal))
        }
    }

    /// URL, then nil when it is accepted, else a phrase of the refusal.
    static let table: [(String, String?)] = [
        ("https://public.example/hook", nil),
        ("http://93.184.216.34:8080/hook", nil),
        ("http://172.32.0.1/", nil),
        ("http://100.128.0.1/", nil),
        ("http://[2606:4700::1111]/", nil),
        ("http://[::ffff:8.8.8.8]/", nil),
        ("http://[64:ff9b::808:808]/", nil),
        ("ftp://public.example/", "must be http or https"),
        ("file:///etc/passwd", "must be http or https"),
        ("http://user:pw@public.example/", "credentials"),
        ("http://127.0.0.1:8080/", "loopback"),
        ("http://127.1.2.3/", "loopback"),
        ("http://localhost/", "loopback"),
        ("http://10.1.2.3/", "private"),
        ("http://172.16.0.1/", "private"),
        ("http://172.31.255.255/", "private"),
        ("http://192.168.0.1/", "private"),
        ("http://100.64.0.1/", "CGNAT"),
        ("http://100.127.255.254/", "CGNAT"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://metadata.example/", "link-local"),
        ("http://0.0.0.0/", "unspecified"),
        ("http://224.0.0.1/", "multicast"),
        ("http://255.255.255.255/", "broadcast"),
        ("http://240.0.0.1/", "reserved"),
        ("http://[::1]/", "loopback"),
        ("http://[::]/", "unspecified"),
        ("http://[fe80::1]/", "link-local"),
        ("http://[fd00::1]/", "unique-local"),
        ("http://[fc00::1]/", "unique-local"),
        ("http://[ff02::1]/", "multicast"),
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[::ffff:10.0.0.1]/", "private"),
        ("http://[::ffff:169.254.169.254]/", "link-local"),
        ("http://[::127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::7f00:1]/", "loopback"),
        ("http://[64:ff9b::a00:1]/", "private"),
        ("http://[2002:7f00:1::1]/", "loopback"),
        ("http://rebind.example/", "private"),
        ("http://nowhere.example/", "does not resolve"),
    ]

    @Test(arguments: table)
    func refusesWhatIsNotPublic(_ url: String, _ refusal: String?) async throws {
        let result = await Self.guarded().check(try #require(URL(string: url)))
        switch (result, refusal) {
        case (.success, nil): break
        case (.failure(let r), let phrase?): #expect(r.reason.contains(phrase), "\(url): \(r.reason)")
        case (.success(let t), let phrase?): Issue.record("\(url) accepted (\(t.address ?? "-")), expected refused: \(phrase)")
        case (.failure(let r), nil): Issue.record("\(url) refused: \(r.reason)")
        }
    }

    @Test func anAcceptedNameConnectsToTheAddressChecked() async throws {
        let target = try await Self.guarded().check(try #require(URL(string: "https://Public.Example/hook"))).get()
        #expect(target.host == "public.example")
        #expect(target.address == "93.184.216.34")
    }

    @Test func theConnectionGoesToTheCheckedAddress() async throws {
        let target = try await Self.guarded().check(try #require(URL(string: "https://public.example/hook"))).get()
        let config = CallbackDispatcher.clientConfiguration(for: target, timeout: 10)
        #expect(config.dnsOverride == ["public.example": "93.184.216.34"])
        let allowed = try await Self.guarded(allow: ["localhost"]).check(try #require(URL(string: "http://localhost/"))).get()
        #expect(CallbackDispatcher.clientConfiguration(for: allowed, timeout: 10).dnsOverride.isEmpty)
    }

    @Test func aHostTheOperatorNamedIsAllowedWhateverItResolvesTo() async throws {
        let g = Self.guarded(allow: ["127.0.0.1", "LocalHost"])
        let literal = try await g.check(try #require(URL(string: "http://127.0.0.1:9000/hook"))).get()
        #expect(literal.address == nil, "an allowed host is connected to as named")
        _ = try await g.check(try #require(URL(string: "http://localhost:9000/hook"))).get()
        // By name only: another loopback spelling is still refused.
        #expect(await g.refusal(for: try #require(URL(string: "http://127.0.0.2/"))) != nil)
    }

    @Test func refusalsThatMayChangeAreNotPermanent() async throws {
        let unresolved = await Self.guarded().check(try #require(URL(string: "http://nowhere.example/")))
        #expect((try? unresolved.get()) == nil)
        if case .failure(let r) = unresolved { #expect(!r.permanent) }
        if case .failure(let r) = await Self.guarded().check(try #require(URL(string: "http://10.0.0.1/"))) { #expect(r.permanent) }
    }

    @Test func theSystemResolverAnswersForLocalhost() async throws {
        // getaddrinfo itself: localhost is loopback on any machine.
        let reason = await CallbackAddressGuard().refusal(for: try #require(URL(string: "http://localhost:1/")))
        #expect(reason?.contains("loopback") == true, "\(reason ?? "accepted")")
    }
}
