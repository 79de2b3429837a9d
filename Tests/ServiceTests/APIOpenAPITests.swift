import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing

@testable import PygradeService

/// `/openapi.json`: one document in git (Sources/PygradeService/API/openapi.json,
/// which docs/openapi.json links to), compiled into the binary and served
/// byte for byte wherever the binary and the exercises are.
@Suite struct APIOpenAPITests {
    static let source = NodeFixture.root.appendingPathComponent("Sources/PygradeService/API/openapi.json")
    static let docs = NodeFixture.root.appendingPathComponent("docs/openapi.json")

    /// A copy in docs/ instead of the link would be a second document to
    /// drift from the one served.
    @Test func docsOpenAPIIsALinkToTheOneDocument() throws {
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: Self.docs.path) == "../Sources/PygradeService/API/openapi.json")
        let committed = try Data(contentsOf: Self.docs)
        #expect(committed == (try Data(contentsOf: Self.source)))
        let document = try #require(try JSONSerialization.jsonObject(with: committed) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
    }

    @Test func theDocumentIsServedByteForByte() async throws {
        let committed = try Data(contentsOf: Self.docs)
        #expect(APIServer.openAPIDocument == committed)
        let h = try APITestHarness()
        try await h.run { c in
            let r = try await c.send(.get, "/openapi.json")
            #expect(r.status == .ok)
            #expect(r.headers[.contentType] == "application/json")
            #expect(Data(r.body.readableBytesView) == committed)
        }
    }

    /// As a user installs it: `pygrade` and `pygrade-service` copied alone
    /// into a bin folder (no resource bundle, no build folder beside them),
    /// run from elsewhere, on exercises in a folder with no docs/ next to it.
    @Test func anInstalledServiceServesItForExercisesAwayFromTheCheckout() async throws {
        let committed = try Data(contentsOf: Self.docs)
        let place = TemporaryFolder(prefix: "pygrade-installed")
        let files = FileManager.default
        let bin = place.url.appendingPathComponent("bin")
        try files.createDirectory(at: bin, withIntermediateDirectories: true)
        for name in ["pygrade", "pygrade-service"] {
            try files.copyItem(
                at: NodeFixture.binaries.appendingPathComponent(name), to: bin.appendingPathComponent(name))
        }
        let course = place.url.appendingPathComponent("course")
        try files.createDirectory(at: course, withIntermediateDirectories: true)
        try files.copyItem(at: NodeFixture.exercises, to: course.appendingPathComponent("Exercises"))
        #expect(!files.fileExists(atPath: course.appendingPathComponent("docs").path))

        let serve = try ServiceProcess(
            "serve", ["--workers", "0"], executable: bin.appendingPathComponent("pygrade").path,
            exercises: course.appendingPathComponent("Exercises"), directory: place.url)
        try await serve.waitUntilUp()
        let answer = try await serve.get("/openapi.json")
        #expect(answer.status == 200, "\(String(decoding: answer.body, as: UTF8.self))")
        #expect(answer.body == committed)
        #expect(await serve.terminate() == 0, "\(serve.stderr)")
    }
}
