import Foundation
import Testing

/// No native code in a job child (layer `no-native-code`): no executable
/// memory can be mapped there, so ctypes and every extension module the
/// worker did not load fail as a plain ImportError, and a shared object the
/// candidate writes into scratch cannot run. The fixtures
/// (`Fixtures/attack_native_*.py`, `native_modules_a_candidate_may_use.py`)
/// hold the statuses; this suite shows what a status cannot: that it is this
/// layer that holds (left out, the attacks work), that doctor and the
/// reports name it, and that it is reported missing where it does not hold.
@Suite("Native code in a job child")
struct NativeCodeAttackTests {
    static func grade(_ fixture: String, disabled: String? = nil) throws -> (status: String?, message: String, sandbox: [String]) {
        let result = try PygradeBinary.run(
            ["grade", PygradeBinary.fixture(fixture), "--exercise", "duplicates", "--format", "json"],
            environment: disabled.map { ["PYGRADE_SANDBOX_DISABLE": $0] } ?? [:])
        #expect(result.status == 0 || result.status == 1, "\(fixture): exit \(result.status): \(result.stderr)")
        let json = try result.json()
        let exercise = try #require((json["exercises"] as? [[String: Any]])?.first, "\(result.stdout)")
        let sandbox = try #require((json["grader"] as? [String: Any])?["sandbox"] as? [String])
        return (exercise["status"] as? String, exercise["message"] as? String ?? "", sandbox)
    }

    /// `import ctypes` while loading: a plain ImportError in the candidate's
    /// code (runtime_error, the message names it), not a crash of the job or
    /// the worker. (Old binary: ctypes was pre-imported, passed.)
    @Test func ctypesIsAnImportErrorWhileLoading() throws {
        let graded = try Self.grade("attack_native_ctypes.py")
        #expect(graded.status == "runtime_error", "\(graded)")
        #expect(graded.message.contains("ImportError"), "\(graded.message)")
        #expect(graded.sandbox.contains("no-native-code"), "\(graded.sandbox)")
    }

    /// A shared object of the candidate's own, written into scratch and
    /// loaded with importlib: refused with the layer (passed: the load
    /// failed), loaded without it (wrong_answer: the fixture says so), so it
    /// is this layer that stops it, not Landlock or the filter's other
    /// rules. (Old binary: wrong_answer with every layer.)
    @Test func aSharedObjectWrittenIntoScratchRunsOnlyWithoutTheLayer() throws {
        let held = try Self.grade("attack_native_own_shared_object.py")
        #expect(held.status == "passed", "\(held)")
        let open = try Self.grade("attack_native_own_shared_object.py", disabled: "no-native-code")
        #expect(open.status == "wrong_answer", "\(open)")
        #expect(open.sandbox.contains("missing:no-native-code"), "\(open.sandbox)")
    }

    /// The stdlib's extension modules that give raw memory (_testcapi, mmap,
    /// ...): none imports with the layer; without it some do, so the fixture
    /// can fail. (Old binary: wrong_answer.)
    @Test func rawMemoryModulesImportOnlyWithoutTheLayer() throws {
        #expect(try Self.grade("attack_native_extension_modules.py").status == "passed")
        #expect(try Self.grade("attack_native_extension_modules.py", disabled: "no-native-code").status == "wrong_answer")
    }

    /// /proc/self/mem writes through page protections: Landlock keeps it out
    /// of view (passed), and without Landlock plain Python rewrites an
    /// immutable bytes object through it (wrong_answer), so no-native-code
    /// is reported missing there, never active.
    @Test func procSelfMemIsOutOfViewAndTheLayerIsMissingWithoutLandlock() throws {
        let held = try Self.grade("attack_native_proc_self_mem.py")
        #expect(held.status == "passed", "\(held)")
        #expect(held.sandbox.contains("no-native-code"))
        let open = try Self.grade("attack_native_proc_self_mem.py", disabled: "landlock")
        #expect(open.status == "wrong_answer", "\(open)")
        #expect(open.sandbox.contains("missing:no-native-code"), "\(open.sandbox)")
    }

    /// Doctor lists the layer, active here, and says why when it is missing:
    /// without seccomp (its mechanism), without Landlock (/proc/self/mem),
    /// or left out. (Old binary: no such line.)
    @Test func doctorListsTheLayerAndWhyItIsMissing() throws {
        func line(_ disabled: String?) throws -> String {
            let doctor = try PygradeBinary.run(["doctor"], environment: disabled.map { ["PYGRADE_SANDBOX_DISABLE": $0] } ?? [:])
            #expect(doctor.status == 0, "\(doctor.stdout)\(doctor.stderr)")
            return doctor.stdout.split(separator: "\n").first { $0.hasPrefix("  no-native-code ") }.map(String.init) ?? ""
        }
        let active = try line(nil)
        #expect(active.contains(" active ") && active.contains("PROT_EXEC"), "\(active)")
        #expect(try line("seccomp").contains("MISSING  needs the seccomp layer"))
        #expect(try line("landlock").contains("MISSING  needs the landlock layer too"))
        #expect(try line("no-native-code").contains("MISSING  disabled by PYGRADE_SANDBOX_DISABLE"))
    }

    /// What a fair candidate imports still works: the modules the worker
    /// preloads, those built into libpython, and the stdlib's fallbacks
    /// (asyncio, threads, hashlib, CJK codecs, resource on itself, an
    /// extension imported again).
    @Test func theModulesAFairCandidateUsesStillWork() throws {
        let graded = try Self.grade("native_modules_a_candidate_may_use.py")
        #expect(graded.status == "passed", "\(graded)")
    }
}
