import Foundation
import Testing

/// The rules' names resolved through scopes as CPython's symtable resolves
/// them.
@Suite("Rules and scopes")
struct ScopeRuleTests: RuleTestSupport {
    // MARK: Scopes, against symtable

    /// Sources where whether `reversed` (or `slice`) means the builtin turns
    /// on Python's scoping rules. Uses sit where the module does not run them:
    /// what is compared is the static verdict alone.
    static let scopeCases: [String] = [
        "x = reversed", "reversed = 1\nx = reversed", "x = reversed\nreversed = 1", "def f(reversed): return reversed",
        "f = lambda reversed, c: c + reversed", "def f():\n    reversed = 1\n    def g(): return reversed\n    return g",
        "def f():\n    return reversed\nreversed = 2", "class C:\n    reversed = 1\n    def m(self): return reversed",
        "class C:\n    reversed = 1\n    x = reversed", "class C:\n    reversed = 1\n    y = [reversed for _ in range(3)]",
        "def f():\n    global reversed\n    reversed = 1\ndef g(): return reversed", "def f():\n    global reversed\n    return reversed",
        "def f():\n    reversed = 1\n    def g():\n        global reversed\n        return reversed\n    return g",
        "def f():\n    reversed = 1\n    def g():\n        nonlocal reversed\n        return reversed\n    return g",
        "def f():\n    reversed = 1\n    class C:\n        def m(self): return reversed\n    return C",
        "def f():\n    reversed = 1\n    class C:\n        x = reversed\n    return C", "[reversed for reversed in range(3)]",
        "def f(): return [x for x in reversed]", "[x for reversed in range(3) for x in reversed]",
        "def f():\n    [(reversed := 1) for _ in range(3)]\n    return reversed", "[(reversed := 1) for _ in range(3)]\nprint(reversed)",
        "def f():\n    global reversed\n    [(reversed := 1) for _ in range(3)]\ndef g(): return reversed",
        "import reversed.sub\nx = reversed", "import os as reversed\nx = reversed", "from os import path as reversed\nx = reversed",
        "try:\n    pass\nexcept Exception as reversed:\n    x = reversed", "with open('f') as reversed:\n    pass\nx = reversed",
        "for reversed in range(3):\n    pass\nprint(reversed)", "match 1:\n    case reversed:\n        pass\nprint(reversed)",
        "match [1]:\n    case [*reversed]:\n        pass\nprint(reversed)",
        "match {}:\n    case {**reversed}:\n        pass\nprint(reversed)",
        "def f(x=reversed): pass", "def f(x: reversed): pass", "def f() -> reversed: pass", "def f():\n    @reversed\n    def g(): pass",
        "def reversed(): pass\nreversed()", "class reversed: pass\nreversed()", "def f():\n    del reversed",
        "reversed: int\nprint(reversed)", "def f():\n    reversed: int\n    return reversed",
        "def f():\n    return reversed\n    reversed = 1",
        "def f():\n    def g(): return reversed\n    reversed = 1\n    return g", "lambda reversed=reversed: reversed",
        "lambda: [reversed for x in ()]", "def f(*reversed): return reversed", "def f(**reversed): return reversed",
        "def f(*, reversed): return reversed", "def f(reversed, /): return reversed", "def f():\n    class C(reversed): pass",
        "def f():\n    class C(metaclass=reversed): pass", "def f():\n    class reversed: pass\n    return reversed",
        "def outer():\n    def reversed(): pass\n    return [reversed() for _ in range(2)]",
        "def outer():\n    class C:\n        reversed = 1\n        def m(self):\n            return reversed",
        "def f():\n    for (a, reversed) in []: pass\n    return reversed", "def f():\n    a, *reversed = [1]\n    return reversed",
        "def f():\n    reversed += 1", "x = {reversed: 1 for reversed in ()}", "x = {k: reversed for k in ()}",
        "x = (reversed for _ in ())",
        "async def f():\n    async for reversed in g(): pass\n    return reversed",
        "async def f():\n    async with g() as reversed: pass\n    return reversed",
        "def f():\n    try: pass\n    except* Exception as reversed: x = reversed",
        "def g():\n    def f():\n        global reversed\n    reversed = 1\n    def h(): return reversed",
        "def g():\n    reversed = 1\n    def f():\n        global reversed\n        reversed = 2\ndef h(): return reversed",
        "class A:\n    global reversed\n    reversed = 1\nprint(reversed)",
        "class A:\n    class B:\n        reversed = 1\n    x = reversed",
        "def f():\n    x = [[reversed for reversed in ()] for _ in ()]\n    return reversed",
        "def f():\n    return [lambda: reversed for reversed in ()]",
        "f'{reversed}'", "f'{(reversed := 1)}'", "print(slice)", "def f(slice): return slice", "x = slice\nslice = 1",
        "def f(): return slice", "def f():\n    slice = 1\n    return [slice for _ in ()]",
    ]

    /// Python's own resolution: `symtable` says which scopes reference a
    /// name and whether it is global there; it is the builtin unless the
    /// module binds it (directly, or through a `global` declaration in a
    /// scope that binds it).
    static let oracle = #"""
        import json, symtable, sys
        def builtin_names(src, names):
            top = symtable.symtable(src, "<case>", "exec")
            tables = []
            def walk(t):
                tables.append(t)
                for c in t.get_children():
                    walk(c)
            walk(top)
            def sym(t, n):
                try:
                    return t.lookup(n)
                except KeyError:
                    return None
            bound = set()
            for n in names:
                for t in tables:
                    s = sym(t, n)
                    if s and (t is top or s.is_declared_global()) and (s.is_assigned() or s.is_imported()):
                        bound.add(n)
            out = set()
            for t in tables:
                for n in names:
                    s = sym(t, n)
                    if s and s.is_referenced() and (t is top or s.is_global()) and n not in bound:
                        out.add(n)
            return sorted(out)
        print(json.dumps([builtin_names(open(p).read(), ["reversed", "slice"]) for p in sys.argv[1:]]))
        """#

    @Test func namesResolveThroughScopesAsSymtableSays() throws {
        let dir = try Self.folder(
            exercise: """
                id: rev
                title: Reverse
                entry: reverse_string
                rules:
                  - {id: reversed, message: m, penalty: 1.0, forbid_names: [reversed]}
                  - {id: slice, message: m, penalty: 1.0, forbid_slice_step: true}
                tests:
                  - {name: one, visibility: visible, hint: basic, args: ["'ab'"]}
                """)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = Self.scopeCases.map { $0 + "\n\n\ndef reverse_string(s):\n    return s\n" }
        let reports = try Self.batch(sources, in: dir)
        let files = sources.indices.map { dir.appendingPathComponent("candidates/case\(String(format: "%03d", $0)).py").path }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = ["-c", Self.oracle] + files
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let expected = try #require(try JSONSerialization.jsonObject(with: data) as? [[String]])
        #expect(expected.count == sources.count)
        var builtinSomewhere = 0
        for (i, want) in expected.enumerated() {
            let exercise = try #require(reports[i], "case \(i)")
            #expect(exercise["status"] as? String != "syntax_error", "case \(i)")
            // Static hits only: the module's own run may add run-time ones.
            let got = ((exercise["rules"] as? [[String: Any]]) ?? []).filter { ($0["line"] as? Int ?? 0) > 0 }.compactMap {
                $0["id"] as? String
            }
            #expect(got.sorted() == want, "case \(i):\n\(Self.scopeCases[i])")
            if !want.isEmpty { builtinSomewhere += 1 }
        }
        // Both verdicts are well represented.
        #expect(builtinSomewhere > 15 && builtinSomewhere < expected.count - 15)
    }
}
