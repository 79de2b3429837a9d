import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Where callbacks may go: `http`/`https` URLs whose host resolves only to
/// public addresses, or whose host the operator named (`--callback-allow-host`).
/// Asked at submit (the API answers 422 with the reason) and again just
/// before each send, whose connection then goes to the address checked here
/// (AsyncHTTPClient's `dnsOverride`), so a name that resolves elsewhere a
/// second time (DNS rebinding) changes nothing.
///
/// Conforms, once the branches merge, to the API's `CallbackAddressPolicy`
/// (`refusal(for:)` has its signature).
public struct CallbackAddressGuard: CallbackAddressPolicy {
    /// Host names (or address literals) allowed whatever they resolve to, lowercased.
    public let allowedHosts: Set<String>
    /// How names are resolved (tests give their own).
    let resolve: @Sendable (String) async -> Result<[[UInt8]], CallbackRefusal>

    public init(allowedHosts: [String] = []) {
        self.init(allowedHosts: allowedHosts, resolve: { await CallbackAddressGuard.getaddrinfo($0) })
    }

    init(allowedHosts: [String], resolve: @escaping @Sendable (String) async -> Result<[[UInt8]], CallbackRefusal>) {
        self.allowedHosts = Set(allowedHosts.map { Self.bare($0.lowercased()) })
        self.resolve = resolve
    }

    /// Where to send: the URL, its host, and the address to connect to
    /// (nil: an allowed host, resolved as usual).
    public struct Target: Sendable, Equatable {
        public var url: URL
        public var host: String
        public var address: String?
    }

    /// Why `url` is refused, in one sentence, or nil when it is accepted.
    public func refusal(for url: URL) async -> String? {
        if case .failure(let r) = await check(url) { return r.reason }
        return nil
    }

    public func check(_ url: URL) async -> Result<Target, CallbackRefusal> {
        guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
            return .failure(CallbackRefusal("the callback URL must be http or https", permanent: true))
        }
        guard let rawHost = url.host, !rawHost.isEmpty else {
            return .failure(CallbackRefusal("the callback URL has no host", permanent: true))
        }
        guard url.user == nil && url.password == nil else {
            return .failure(CallbackRefusal("the callback URL must not carry credentials", permanent: true))
        }
        let host = Self.bare(rawHost.lowercased())
        if allowedHosts.contains(host) { return .success(Target(url: url, host: host, address: nil)) }
        let addresses: [[UInt8]]
        if let literal = Self.literal(host) {
            addresses = [literal]
        } else {
            switch await resolve(host) {
            case .success(let a): addresses = a
            case .failure(let r): return .failure(r)
            }
        }
        guard let first = addresses.first else {
            return .failure(CallbackRefusal("the callback host \(host) has no address", permanent: false))
        }
        // Every address must be public: a name with one private address
        // among public ones is refused (the connection could go to any).
        for a in addresses {
            if let why = IPAddressClass.nonPublicReason(a) {
                return .failure(
                    CallbackRefusal(
                        "the callback host \(host) resolves to \(Self.text(a)), \(why); only public addresses are allowed "
                            + "unless the server allows the host by name", permanent: true))
            }
        }
        return .success(Target(url: url, host: host, address: Self.text(first)))
    }

    /// `[::1]` -> `::1`.
    static func bare(_ host: String) -> String {
        host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    }

    /// The bytes of an address literal (IPv4 dotted quad or IPv6), else nil.
    static func literal(_ host: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, host, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, host, &v6) == 1 { return withUnsafeBytes(of: &v6) { Array($0) } }
        return nil
    }

    /// The usual text of an address's bytes.
    static func text(_ bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?"
    }

    /// Every address of `host` (getaddrinfo blocks: it runs off the
    /// concurrency pool's threads).
    static func getaddrinfo(_ host: String) async -> Result<[[UInt8]], CallbackRefusal> {
        await withCheckedContinuation { c in
            DispatchQueue.global().async { c.resume(returning: resolveNow(host)) }
        }
    }

    private static func resolveNow(_ host: String) -> Result<[[UInt8]], CallbackRefusal> {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = Glibc.getaddrinfo(host, nil, &hints, &list)
        guard rc == 0, let list else {
            let why = String(cString: gai_strerror(rc))
            return .failure(CallbackRefusal("the callback host \(host) does not resolve (\(why))", permanent: false))
        }
        defer { freeaddrinfo(list) }
        var out: [[UInt8]] = []
        var p: UnsafeMutablePointer<addrinfo>? = list
        while let ai = p {
            if let sa = ai.pointee.ai_addr {
                switch Int32(sa.pointee.sa_family) {
                case AF_INET:
                    var a = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
                    out.append(withUnsafeBytes(of: &a) { Array($0) })
                case AF_INET6:
                    var a = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
                    out.append(withUnsafeBytes(of: &a) { Array($0) })
                default: break
                }
            }
            p = ai.pointee.ai_next
        }
        if out.isEmpty { return .failure(CallbackRefusal("the callback host \(host) has no address", permanent: false)) }
        return .success(out)
    }
}

/// Why a callback URL is refused: one sentence. `permanent`: no later try
/// can change it (the address is private); else it may (DNS did not answer).
public struct CallbackRefusal: Error, Sendable, Equatable {
    public var reason: String
    public var permanent: Bool
    public init(_ reason: String, permanent: Bool) {
        self.reason = reason
        self.permanent = permanent
    }
}
