import Foundation
import Hummingbird
import Logging
import NIOCore
import PygradeKit
import PygradeQueue

/// The HTTP API of the service. `makeApplication` is the one entry point
/// the executable uses; the routes live in the extensions of this type.
public struct APIServer: Sendable {
    let configuration: APIConfiguration
    let queue: any JobQueue
    let metrics: ServiceMetrics
    let catalog: ExerciseCatalog
    let catalogHash: String
    let validator: SubmissionValidator
    let rateLimiter = RateLimiter()
    let longPolls: LongPollLimiter
    /// Done jobs' verdicts and scores, for batch summaries.
    let batchScores = BatchScores()
    /// The OpenAPI document (`Sources/PygradeService/API/openapi.json`, which
    /// docs/openapi.json links to), compiled into the binary by SwiftPM's
    /// `embedInCode`: served whatever folder the binary or the exercises
    /// are in, with no file beside the binary to lose.
    static let openAPIDocument = Data(PackageResources.openapi_json)

    /// Long-poll: how often the job is read again while a client waits, when
    /// no signal of its end came (see `JobQueue.waitForEnd`).
    static let endPollSeconds = 0.25
    static let maxWaitSeconds = 60.0
    /// Retry-After of a wait refused over the caller's long-polls.
    static let longPollRetrySeconds = 5
    /// A connection that sends no request (or no full head) for this long
    /// is closed: idle ones would otherwise be held open for good, until
    /// the process runs out of descriptors. A long-poll is not idle.
    static let idleTimeout: TimeAmount = .seconds(30)

    init(
        configuration: APIConfiguration, queue: any JobQueue, metrics: ServiceMetrics, catalog: ExerciseCatalog,
        longPolls: LongPollLimiter = LongPollLimiter()
    ) {
        self.configuration = configuration
        self.longPolls = longPolls
        self.queue = queue
        self.metrics = metrics
        self.catalog = catalog
        catalogHash = CatalogHash.of(catalog)
        validator = SubmissionValidator(configuration: configuration, catalog: catalog, catalogHash: catalogHash)
    }

    /// The application: listen on the configured address, answer the routes.
    public static func makeApplication(
        configuration: APIConfiguration, queue: any JobQueue, metrics: ServiceMetrics, catalog: ExerciseCatalog,
        logger: Logger = Logger(label: "pygrade.api")
    ) -> some ApplicationProtocol {
        makeApplication(
            APIServer(configuration: configuration, queue: queue, metrics: metrics, catalog: catalog), logger: logger)
    }

    /// The application of a server made by the caller (tests: one whose
    /// long-poll counts they read).
    static func makeApplication(_ server: APIServer, logger: Logger) -> some ApplicationProtocol {
        let configuration = server.configuration
        return Application(
            router: server.makeRouter(), server: .http1(configuration: .init(idleTimeout: idleTimeout)),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "pygrade"),
            logger: logger)
    }

    func makeRouter() -> Router<APIRequestContext> {
        let router = Router(context: APIRequestContext.self)
        let v1 = "/\(ServiceVersion.api)"
        let routes: [(method: HTTPRequest.Method, path: String)] = [
            (.post, "\(v1)/submissions"), (.get, "\(v1)/submissions/:id"), (.post, "\(v1)/submissions/:id/requeue"),
            (.post, "\(v1)/batches"), (.get, "\(v1)/batches/:id"), (.get, "\(v1)/exercises"), (.get, "/healthz"),
            (.get, "/readyz"), (.get, "/metrics"), (.get, "/openapi.json"),
        ]
        router.add(middleware: ProblemMiddleware(routes: routes))
        router.add(middleware: APIKeyMiddleware(keys: configuration.keys, rateLimiter: rateLimiter))
        router.post("\(v1)/submissions") { request, context in try await submit(request, context) }
        router.get("\(v1)/submissions/:id") { request, context in try await submission(request, context) }
        router.post("\(v1)/submissions/:id/requeue") { request, context in try await requeue(request, context) }
        router.post("\(v1)/batches") { request, context in try await submitBatch(request, context) }
        router.get("\(v1)/batches/:id") { request, context in try await batch(request, context) }
        router.get("\(v1)/exercises") { _, _ in exercises() }
        router.get("/healthz") { _, _ in Self.json(.ok, Data(#"{"status":"ok"}"#.utf8)) }
        router.get("/readyz") { _, _ in try await ready() }
        router.get("/metrics") { _, _ in try await metricsText() }
        router.get("/openapi.json") { _, _ in Self.json(.ok, Self.openAPIDocument) }
        return router
    }

    /// A JSON response.
    static func json(_ status: HTTPResponse.Status, _ data: Data, headers: HTTPFields = [:]) -> Response {
        var h = headers
        h[.contentType] = "application/json"
        return Response(status: status, headers: h, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func encode(_ value: some Encodable) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(value)) ?? Data("{}".utf8)
    }

    /// The path parameter `name`, which routes always have.
    static func parameter(_ name: String, _ context: APIRequestContext) throws(Problem) -> String {
        guard let value = context.parameters.get(name) else { throw Problem.badRequest("The path lacks its \(name).") }
        return value
    }

    /// Reads a JSON body of at most `limit` bytes and decodes it.
    static func decodeBody<T: Decodable>(_ type: T.Type, _ request: Request, limit: Int, what: String) async throws -> T {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw Problem.tooLarge("The \(what) is over \(limit) bytes.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch let e as any HTTPResponseError where e.status == .contentTooLarge {
            throw Problem.tooLarge("The \(what) is over \(limit) bytes.")
        }
        if let refusal = JSONNesting.refusal(buffer.readableBytesView) { throw Problem.badRequest(refusal) }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw Problem.badRequest(BodyErrorText.sentence(error, what: what))
        }
    }
}
