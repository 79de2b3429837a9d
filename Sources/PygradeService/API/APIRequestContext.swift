import Foundation
import Hummingbird
import NIOCore

/// The request context of the API: who is asking (set by the key check).
public struct APIRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The caller's key; nil on a server without keys (owner `local`) and
    /// on the routes that need no key.
    public var key: APIKey?
    /// The connection's peer.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The queue's owner of what this request submits or reads.
    public var owner: String { key?.id ?? APIKeyMiddleware.localOwner }

    /// Who a per-caller bound (the long-polls open at once) counts against:
    /// the key, or, on a server without keys, the client's address (its
    /// port left out: a client opens a connection per concurrent request).
    public var caller: String {
        if let key { return "key:\(key.id)" }
        return "address:\(remoteAddress?.ipAddress ?? remoteAddress?.description ?? "unknown")"
    }

    /// Routes read bodies themselves, each with its own bound.
    public var maxUploadSize: Int { 0 }
}

/// Requires `Authorization: Bearer KEY` on `/v1/` when the server has keys,
/// and holds each key to its rate (429 with Retry-After past it).
struct APIKeyMiddleware: RouterMiddleware {
    typealias Context = APIRequestContext
    static let localOwner = "local"
    let keys: APIKeys
    let rateLimiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !keys.isEmpty, Self.isV1(request.uri.path) else { return try await next(request, context) }
        guard let header = request.headers[.authorization] else {
            throw Problem(.unauthorized, "unauthorized", "This server needs an API key as 'Authorization: Bearer KEY'.")
        }
        let prefix = "Bearer "
        guard header.count > prefix.count, header.lowercased().hasPrefix(prefix.lowercased()),
            let key = keys.key(presented: String(header.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces))
        else {
            throw Problem(.unauthorized, "unauthorized", "The API key is not one this server accepts.")
        }
        if let wait = rateLimiter.take(key: key.id, ratePerMinute: key.ratePerMinute) {
            throw Problem(
                .tooManyRequests, "rate-limited", "This key is over its \(key.ratePerMinute) requests a minute.",
                retryAfter: max(1, Int(wait.rounded(.up))))
        }
        var context = context
        context.key = key
        return try await next(request, context)
    }

    /// Whether the router reads `path` as one under `/v1`: it skips empty
    /// segments (`//v1/submissions` is the submissions route), so the
    /// first non-empty segment decides, not the text's prefix.
    static func isV1(_ path: String) -> Bool {
        path.split(separator: "/", omittingEmptySubsequences: true).first == Substring(ServiceVersion.api)
    }
}
