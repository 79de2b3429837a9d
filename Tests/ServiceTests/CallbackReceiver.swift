import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestSupport
import Testing

/// A loopback HTTP receiver for callback tests: records what it is sent
/// and answers each POST with the next status of its script (the last one
/// repeats).
actor CallbackReceiver {
    struct Received: Sendable {
        var path: String
        var signature: String?
        var contentType: String?
        var body: [UInt8]
        var at: Date
    }
    private(set) var received: [Received] = []
    private var script: [HTTPResponse.Status]

    init(answers: [HTTPResponse.Status]) { script = answers }

    func record(_ r: Received) -> HTTPResponse.Status {
        received.append(r)
        return script.count > 1 ? script.removeFirst() : script[0]
    }

    /// Runs the receiver on a free loopback port while `body` runs, given the port.
    func serve(_ body: @Sendable (Int) async throws -> Void) async throws {
        let router = Router()
        router.post("/{path}") { request, _ -> Response in
            let bytes = try await request.body.collect(upTo: 4 << 20)
            let status = await self.record(
                Received(
                    path: request.uri.path, signature: request.headers[values: HTTPField.Name("Pygrade-Signature")!].first,
                    contentType: request.headers[.contentType], body: Array(bytes.readableBytesView), at: Date()))
            var headers = HTTPFields()
            if status == .found { headers[.location] = "/elsewhere" }
            return Response(status: status, headers: headers)
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        // Off the cooperative pool: see DedicatedExecutor.
        try await withTaskExecutorPreference(DedicatedExecutor.shared) {
            try await app.test(.live) { client in
                try await body(try #require(client.port))
            }
        }
    }
}
