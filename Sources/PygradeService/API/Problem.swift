import Foundation
import Hummingbird
import PygradeQueue

/// An error answered as `application/problem+json` (RFC 9457): a type per
/// kind of problem, the status's title, and one sentence of detail.
public struct Problem: Error, HTTPResponseError, Sendable, CustomStringConvertible {
    public var status: HTTPResponse.Status
    /// The last part of the type URI (`urn:pygrade:problem:<kind>`).
    public var kind: String
    public var detail: String
    /// Seconds, for 429 and 503.
    public var retryAfter: Int?
    /// The methods a path answers, for 405.
    public var allow: String?

    public init(_ status: HTTPResponse.Status, _ kind: String, _ detail: String, retryAfter: Int? = nil) {
        self.status = status
        self.kind = kind
        self.detail = detail
        self.retryAfter = retryAfter
    }

    public var description: String { "\(status.code) \(kind): \(detail)" }

    public var headers: HTTPFields {
        var h: HTTPFields = [.contentType: "application/problem+json"]
        if let retryAfter { h[.retryAfter] = String(retryAfter) }
        if status == .unauthorized { h[.wwwAuthenticate] = "Bearer" }
        if let allow { h[.allow] = allow }
        return h
    }

    struct Body: Encodable {
        var type: String
        var title: String
        var status: Int
        var detail: String
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(type: "urn:pygrade:problem:\(kind)", title: status.reasonPhrase, status: status.code, detail: detail)
        let data = (try? JSONEncoder().encode(body)) ?? Data()
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    // The problems more than one route answers.
    static func badRequest(_ detail: String) -> Problem { Problem(.badRequest, "bad-request", detail) }
    static func unprocessable(_ kind: String, _ detail: String) -> Problem { Problem(.unprocessableContent, kind, detail) }
    static func notFound(_ what: String) -> Problem { Problem(.notFound, "not-found", "There is no \(what).") }
    static func tooLarge(_ detail: String) -> Problem { Problem(.contentTooLarge, "too-large", detail) }
    static let unreachable = Problem(
        .serviceUnavailable, "queue-unreachable", "The job queue cannot be reached; try again shortly.", retryAfter: 5)
}

/// Turns every error a route or Hummingbird throws into a problem document,
/// so that no client sees an empty or plain-text error body.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Every route, to tell a path that exists with another method (405)
    /// from one that does not (404).
    let routes: [(method: HTTPRequest.Method, path: String)]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let p as Problem {
            return try p.response(from: request, context: context)
        } catch let e as QueueError where e.code == .unreachable {
            context.logger.warning("Queue unreachable: \(e.message)")
            return try Problem.unreachable.response(from: request, context: context)
        } catch let e as any HTTPResponseError {
            let p: Problem =
                switch e.status {
                case .notFound: notFound(request)
                case .contentTooLarge: .tooLarge("The request body is over the size limit.")
                default: Problem(e.status, "http-\(e.status.code)", "The request could not be served (\(e.status.reasonPhrase)).")
                }
            return try p.response(from: request, context: context)
        } catch {
            context.logger.error("Request failed: \(error)")
            return try Problem(.internalServerError, "internal", "The server failed to answer; the failure is logged.")
                .response(from: request, context: context)
        }
    }

    private func notFound(_ request: Request) -> Problem {
        let parts = request.uri.path.split(separator: "/", omittingEmptySubsequences: false)
        let allowed = routes.filter { route in
            let pattern = route.path.split(separator: "/", omittingEmptySubsequences: false)
            return pattern.count == parts.count && zip(pattern, parts).allSatisfy { $0.hasPrefix(":") ? !$1.isEmpty : $0 == $1 }
        }.map(\.method.rawValue)
        guard !allowed.isEmpty else {
            return Problem(.notFound, "not-found", "No route answers \(SubmissionValidator.clip(request.uri.path)).")
        }
        var p = Problem(
            .methodNotAllowed, "method-not-allowed",
            "This path answers \(allowed.joined(separator: " and ")), not \(request.method.rawValue).")
        p.allow = allowed.joined(separator: ", ")
        return p
    }
}
