import PygradeKit
import Testing

@Suite struct SandboxPolicyUnitTests {
    let layers = [
        SandboxLayer(name: "seccomp", active: true, detail: "on"),
        SandboxLayer(name: "landlock", active: false, detail: "the kernel has no Landlock"),
    ]

    @Test func strictRefusesAMissingLayerAndSaysWhy() throws {
        let why = try #require(SandboxPolicy.strict.refusal(layers))
        #expect(why.contains("landlock (the kernel has no Landlock)"))
        #expect(!why.contains("seccomp"))
        #expect(SandboxPolicy.strict.refusal(layers.filter(\.active)) == nil)
    }

    @Test func standardRunsAndNamesWhatIsMissing() {
        #expect(SandboxPolicy.standard.refusal(layers) == nil)
        #expect(layers.map(\.reportName) == ["seccomp", "missing:landlock"])
    }
}
