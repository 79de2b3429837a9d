import Foundation
import TestSupport
import Testing

@testable import PygradeKit

@Suite("Expected results cache")
struct ExpectedStoreTests {
    static let definition = "id: demo\ntitle: Demo\nentry: f\ntests:\n  - name: a\n    args: [\"1\"]\n"

    @Test func aChangedExerciseFolderNeverReusesTheCache() throws {
        let tmp = TemporaryFolder()
        let store = ExpectedStore(directory: tmp.url.appendingPathComponent("cache"))
        let folder = tmp.exercise("demo", definition: Self.definition)
        let exercise = try ExerciseLoader.load(folder: folder)
        let results = try ExpectedResults(encoded: [ValueCodec.encode(.int(1))], referenceCPUms: [0.5])
        try store.save(exercise, results)
        #expect(store.load(exercise)?.values == [.int(1)])
        #expect(store.load(exercise)?.referenceCPUms == [0.5])

        // Any file of the folder, not only the definition, changes the key.
        tmp.write("demo/reference.py", "def f(x):\n    return x + 1\n")
        let edited = try ExerciseLoader.load(folder: folder)
        #expect(edited.hash != exercise.hash)
        #expect(store.load(edited) == nil)

        // A cache file whose header does not match its name is not trusted.
        let forged = store.file(for: edited)
        try FileManager.default.copyItem(at: store.file(for: exercise), to: forged)
        #expect(store.load(edited) == nil)
    }
}
