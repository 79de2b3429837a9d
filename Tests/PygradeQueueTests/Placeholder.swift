import Testing
@testable import PygradeQueue

@Test func stateNames() { #expect(JobState.allCases.map(\.rawValue) == ["queued", "running", "done", "failed"]) }
