import Foundation
import Hummingbird
import HummingbirdTesting
import PygradeKit
import PygradeQueue
import TestSupport
import Testing

@testable import PygradeService

/// Callback SSRF: every spelling of a private address is refused at submit
/// with the real guard (the system's resolver), and the address checked is
/// the one connected to, whatever the case of the URL's host.
@Suite struct AttackCallbackTests {
    static let privateURLs = [
        "http://127.0.0.1/", "http://localhost:8080/", "http://LOCALHOST/", "http://[::1]/", "http://0.0.0.0/",
        "http://0177.0.0.1/", "http://2130706433/", "http://0x7f000001/", "http://127.1/", "http://0/",
        "http://[::ffff:127.0.0.1]/", "http://[::ffff:7f00:1]/", "http://[0:0:0:0:0:ffff:127.0.0.1]/", "http://[::]/",
        "http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://[fd00::1]/", "http://10.0.0.1/",
        "http://192.168.1.1/", "http://100.64.0.1/", "http://224.0.0.1/", "http://allowed.example@127.0.0.1/",
        "http://127.0.0.1#@allowed.example/", "http://127.0.0.1:80@allowed.example/", "http://%31%32%37.0.0.1/",
        "http://127.0.0.1./", "http://localhost./", "gopher://127.0.0.1/", "file:///etc/passwd", "http:///x",
        "http://[::ffff:a9fe:a9fe]/", "http://[64:ff9b::7f00:1]/", "http://[2002:7f00:1::]/",
    ]

    @Test func privateCallbackURLsAreRefusedAtSubmit() async throws {
        let h = try APITestHarness { $0.callbackPolicy = CallbackAddressGuard() }
        try await h.run { c in
            for url in Self.privateURLs {
                let r = try await c.send(.post, "/v1/submissions", json: jsonText(["source": "x", "callback_url": url]))
                #expect(r.status == .unprocessableContent, "\(url): \(r.status) \(r.text)")
            }
            #expect(try await h.queue.counts().values.reduce(0, +) == 0)
        }
    }

    /// AsyncHTTPClient looks the URL's host up in `dnsOverride` as written
    /// (not lowercased): a key in another case would not match, and the
    /// client would resolve the name again (DNS rebinding past the check).
    @Test func theCheckedAddressIsTheOneConnectedToWhateverTheHostsCase() async throws {
        let addressGuard = CallbackAddressGuard(allowedHosts: []) { host in
            host.lowercased() == "rebind.example" ? .success([[93, 184, 216, 34]]) : .failure(CallbackRefusal("no", permanent: false))
        }
        for text in ["http://ReBind.Example/hook", "http://rebind.example/hook", "https://REBIND.EXAMPLE:8443/x"] {
            let url = try #require(URL(string: text))
            guard case .success(let target) = await addressGuard.check(url) else {
                Issue.record("\(text) refused")
                continue
            }
            let config = CallbackDispatcher.clientConfiguration(for: target, timeout: 5)
            // What AsyncHTTPClient reads: the request URL's host, as Foundation parses it.
            let clientHost = try #require(URL(string: text)?.host)
            #expect(config.dnsOverride[clientHost] == "93.184.216.34", "\(text): \(config.dnsOverride)")
        }
    }
}
