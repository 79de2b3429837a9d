import Testing
@testable import PygradeService

@Test func apiVersion() { #expect(ServiceVersion.api == "v1") }
