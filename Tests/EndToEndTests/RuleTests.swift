import Foundation
import Testing

/// The rules, in the job child: statically by the C walker over the AST
/// (Sources/CPythonShim/rules.c), each kind of rule on the constructs it
/// must catch with the line of the first hit (what a plain `ast.walk` over
/// the same trees gives); names resolved through scopes as CPython's
/// symtable resolves them; and at run time, on what the code compiles and
/// calls (a hit with no line: `at_run_time`).
@Suite("Rules")
struct RuleTests {
    static let ids = ["no-reversed", "no-reverse-method", "no-slice-step", "no-imports"]

    static let exercise = """
        id: rev
        title: Reverse
        entry: reverse_string
        rules:
          - {id: no-reversed, message: m, penalty: 1.0, forbid_names: [reversed], forbid_attributes: [__reversed__]}
          - {id: no-reverse-method, message: m, penalty: 1.0, forbid_attributes: [reverse]}
          - {id: no-slice-step, message: m, penalty: 1.0, forbid_slice_step: true}
          - {id: no-imports, message: m, penalty: 1.0, forbid_imports: [os, importlib], forbid_names: [eval]}
        tests:
          - {name: one, visibility: visible, hint: basic, args: ["'ab'"]}
        """

    /// (source, first line per rule in `ids` order, nil: not broken)
    static let cases: [(String, [Int?])] = [
        ("x = reversed\n", [1, nil, nil, nil]),
        ("def reverse_string(s):\n    return ''.join(reversed(s))\n", [2, nil, nil, nil]),
        ("from builtins import reversed as r\n\n", [1, nil, nil, nil]),
        ("import builtins\nb = builtins.reversed\n", [2, nil, nil, nil]),
        ("y = 'reversed'\nz = \"__reversed__\"\n", [1, nil, nil, nil]),
        ("a = [1]\na.reverse()\n", [nil, 2, nil, nil]),
        ("s='ab'\nt = s[::2]\nu = s[1:2]\nv = s[1:2:None]\n", [nil, nil, 2, nil]),
        ("w = slice(None, None, -1)\n", [nil, nil, 1, nil]),
        ("import os.path\nimport a.reversed\nfrom os import path\nfrom importlib.util import x\n", [2, nil, nil, 1]),
        ("def f():\n    '''reverse'''\n    return 1\n", [nil, 2, nil, nil]),
        ("class A:\n    def reverse(self): pass\n    def __reversed__(self): pass\n", [nil, nil, nil, nil]),
        ("getattr('x', '__reversed__')\nvars(__builtins__)['reversed']\n", [1, nil, nil, nil]),
        ("f'{reversed}' \nq = eval('1')\n", [1, nil, nil, 2]),
        ("\n\n\nx = 1\nx.reverse\nreversed\n\n", [6, 5, nil, nil]),
        ("lambda s: s[::-1]\n", [nil, nil, 1, nil]),
        ("[x for x in reversed([1])]\nimport importlib as il\n", [1, nil, nil, 2]),
        // A name bound in the candidate's own scope is not the builtin.
        ("from functools import reduce\nf = lambda s: reduce(lambda reversed, c: c + reversed, s, '')\n", [nil, nil, nil, nil]),
        ("def f(s):\n    reversed = ''\n    for c in s:\n        reversed = c + reversed\n    return reversed\n", [nil, nil, nil, nil]),
        ("def f(slice):\n    return slice\nfor eval in []: pass\nx = eval\n", [nil, nil, nil, nil]),
        ("def f():\n    return reversed\ndef g(reversed):\n    return reversed\n", [2, nil, nil, nil]),
        ("class C:\n    reversed = 1\n    def m(self):\n        return reversed\n", [4, nil, nil, nil]),
    ]

    @Test func everyKindOfRuleFindsItsFirstLine() throws {
        let dir = try Self.folder(exercise: Self.exercise)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (i, (source, want)) in Self.cases.enumerated() {
            let file = dir.appendingPathComponent("case\(i).py")
            // The entry point is defined (a missing one comes before the rules).
            try (source + "\ndef reverse_string(s):\n    return s\n").write(to: file, atomically: true, encoding: .utf8)
            let result = try PygradeBinary.run([
                "grade", file.path, "--exercises-dir", dir.appendingPathComponent("exercises").path, "--format", "json",
            ])
            let exercise = try #require((try result.json()["exercises"] as? [[String: Any]])?.first, "\(result.stderr)")
            var got: [String: Int] = [:]
            for rule in (exercise["rules"] as? [[String: Any]]) ?? [] {
                if let id = rule["id"] as? String, let line = rule["line"] as? Int { got[id] = line }
            }
            #expect(Self.ids.map { got[$0] } == want, "case \(i):\n\(source)")
        }
    }

    // MARK: At run time

    static let runTimeIDs = ["no-reversed", "no-reverse-method", "no-slice-step", "no-sorted"]

    static let runTimeExercise = """
        id: rev
        title: Reverse
        entry: reverse_string
        rules:
          - {id: no-reversed, message: reversed() is not allowed, penalty: 1.0, forbid_names: [reversed], forbid_attributes: [__reversed__]}
          - {id: no-reverse-method, message: m, penalty: 1.0, forbid_attributes: [reverse]}
          - {id: no-slice-step, message: m, penalty: 1.0, forbid_slice_step: true}
          - {id: no-sorted, message: m, penalty: 1.0, forbid_names: [sorted]}
        tests:
          - {name: one, visibility: visible, hint: basic, args: ["'abc'"]}
        """

    /// (the body of reverse_string(s), after `import ast, builtins, collections,
    /// operator`; per rule in `runTimeIDs`: 0 broken at run time, nil not broken)
    static let runTimeCases: [(String, [Int?])] = [
        // Text compiled at run time goes through the same walker.
        ("return eval(\"s[::\" + \"-1]\")", [nil, nil, 0, nil]),
        ("return eval(b\"  s[::\" + b\"-1]\")", [nil, nil, 0, nil]),
        ("ns = {'s': s}\n    exec(bytearray(b'r = s[::-1]'), ns)\n    return ns['r']", [nil, nil, 0, nil]),
        ("return eval(compile(source='s[::' + '-1]', filename='x', mode='eval'))", [nil, nil, 0, nil]),
        ("ns = {}\n    exec('def f(t):\\n    return \"\".join(rev' + 'ersed(t))', ns)\n    return ns['f'](s)", [0, nil, nil, nil]),
        ("ns = {}\n    exec('x = [1]\\nx.rev' + 'erse()', ns)\n    return s", [nil, 0, nil, nil]),
        // ...so does a tree given to compile().
        (
            "t = ast.parse('s', mode='eval')\n    t.body = ast.Subscript(t.body, ast.Slice(step=ast.Constant(-1)), ast.Load())\n"
                + "    return eval(compile(ast.fix_missing_locations(t), 'x', 'eval'))", [nil, nil, 0, nil]
        ),
        // A forbidden builtin called, however it was reached.
        ("return ''.join(getattr(builtins, 'rev' + 'ersed')(s))", [0, nil, nil, nil]),
        ("return ''.join(vars(builtins)['rev' + 'ersed'](s))", [0, nil, nil, nil]),
        (
            "b = __builtins__ if isinstance(__builtins__, dict) else vars(__builtins__)\n    return ''.join(b['rev' + 'ersed'](s))",
            [0, nil, nil, nil]
        ),
        ("r = next(t for t in object.__subclasses__() if t.__name__ == 'rev' + 'ersed')\n    return ''.join(r(s))", [0, nil, nil, nil]),
        ("return s[vars(builtins)['sli' + 'ce'](None, None, -1)]", [nil, nil, 0, nil]),
        ("vars(builtins)['sor' + 'ted'](s)\n    return s", [nil, nil, nil, 0]),
        // getattr() given a computed forbidden name, whatever it is then used for.
        ("getattr(builtins, 'rev' + 'ersed')\n    return s", [0, nil, nil, nil]),
        ("getattr(collections.abc.MutableSequence, 'rev' + 'erse')\n    return s", [nil, 0, nil, nil]),
        // A forbidden method of a builtin type, however it was reached.
        ("l = list(s)\n    getattr(l, 'rev' + 'erse')()\n    return ''.join(l)", [nil, 0, nil, nil]),
        ("l = list(s)\n    operator.methodcaller('rev' + 'erse')(l)\n    return ''.join(l)", [nil, 0, nil, nil]),
        ("l = list(s)\n    object.__getattribute__(l, 'rev' + 'erse')()\n    return ''.join(l)", [nil, 0, nil, nil]),
        ("d = collections.deque(s)\n    vars(type(d))['rev' + 'erse'](d)\n    return ''.join(d)", [nil, 0, nil, nil]),
        ("return ''.join(vars(list)['__rev' + 'ersed__'](list(s)))", [0, nil, nil, nil]),
        // What is not a hit.
        ("return eval('s') + str(getattr(s, 'upp' + 'er')())", [nil, nil, nil, nil]),
        ("ns = {}\n    exec('reversed = sorted = list\\nr = reversed(sorted(\"ab\"))', ns)\n    return s", [nil, nil, nil, nil]),
        ("import functools\n    return functools.reduce(lambda reversed, c: c + reversed, s, '')", [nil, nil, nil, nil]),
        ("return ''.join(s[i] for i in range(len(s) - 1, -1, -1))", [nil, nil, nil, nil]),
        ("return s[vars(builtins)['sli' + 'ce'](None)]", [nil, nil, nil, nil]),
    ]

    @Test func rulesApplyToWhatTheCodeCompilesAndCallsAtRunTime() throws {
        let dir = try Self.folder(exercise: Self.runTimeExercise)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = Self.runTimeCases.map { "import ast, builtins, collections, operator\n\n\ndef reverse_string(s):\n    \($0.0)\n" }
        let reports = try Self.batch(sources, in: dir)
        for (i, (body, want)) in Self.runTimeCases.enumerated() {
            let exercise = try #require(reports[i], "case \(i)")
            var got: [String: Int] = [:]
            for rule in (exercise["rules"] as? [[String: Any]]) ?? [] {
                guard let id = rule["id"] as? String, let line = rule["line"] as? Int else { continue }
                got[id] = line
                // A run-time hit says so, and has no line.
                #expect((line == 0) == (rule["at_run_time"] as? Bool == true), "case \(i): \(rule)")
            }
            #expect(Self.runTimeIDs.map { got[$0] } == want, "case \(i):\n\(body)\n\(exercise)")
            let broken = exercise["status"] as? String == "rule_violation"
            #expect(broken == want.contains { $0 != nil }, "case \(i)")
        }
    }

    /// What each format says of a rule broken at run time.
    @Test func aRunTimeHitReadsAsSuchInEveryFormat() throws {
        let dir = try Self.folder(exercise: Self.runTimeExercise)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("cand.py")
        try "import builtins\n\ndef reverse_string(s):\n    return ''.join(getattr(builtins, 'rev' + 'ersed')(s))\n".write(
            to: file, atomically: true, encoding: .utf8)
        let exercises = dir.appendingPathComponent("exercises").path
        let json = try PygradeBinary.run(["grade", file.path, "--exercises-dir", exercises, "--format", "json"])
        let exercise = try #require((try json.json()["exercises"] as? [[String: Any]])?.first)
        let rule = try #require((exercise["rules"] as? [[String: Any]])?.first)
        #expect(rule["line"] as? Int == 0 && rule["at_run_time"] as? Bool == true && rule["id"] as? String == "no-reversed")
        #expect(exercise["message"] as? String == "at run time: reversed() is not allowed")
        let valid = try SchemaValidator.validate(json.stdout, against: "report.schema.json")
        #expect(valid.status == 0, "\(valid.problems)")
        let text = try PygradeBinary.run(["grade", file.path, "--exercises-dir", exercises], environment: ["NO_COLOR": "1"])
        #expect(text.stdout.contains("rule_violation") && text.stdout.contains("at run time: reversed() is not allowed"), "\(text.stdout)")
        let junit = try PygradeBinary.run(["grade", file.path, "--exercises-dir", exercises, "--format", "junit"])
        #expect(junit.stdout.contains("message=\"at run time: reversed() is not allowed\""), "\(junit.stdout)")
        #expect(!junit.stdout.contains("line 0"))
    }

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

    // MARK: Support

    /// A folder with `exercises/rev/` defined by `yaml`.
    static func folder(exercise yaml: String) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pygrade-rules-\(UUID().uuidString)")
        let ex = dir.appendingPathComponent("exercises/rev")
        try FileManager.default.createDirectory(at: ex, withIntermediateDirectories: true)
        try yaml.write(to: ex.appendingPathComponent("exercise.yaml"), atomically: true, encoding: .utf8)
        try "Reverse.\n".write(to: ex.appendingPathComponent("prompt.md"), atomically: true, encoding: .utf8)
        try "def reverse_string(s):\n    pass\n".write(to: ex.appendingPathComponent("starter.py"), atomically: true, encoding: .utf8)
        try "def reverse_string(s):\n    out = ''\n    for c in s:\n        out = c + out\n    return out\n".write(
            to: ex.appendingPathComponent("reference.py"), atomically: true, encoding: .utf8)
        return dir
    }

    /// Grades each source as a candidate of `dir`'s exercise in one batch;
    /// the exercise's report for each, in order.
    static func batch(_ sources: [String], in dir: URL) throws -> [[String: Any]?] {
        let candidates = dir.appendingPathComponent("candidates")
        try FileManager.default.createDirectory(at: candidates, withIntermediateDirectories: true)
        var index: [String: Int] = [:]
        for (i, source) in sources.enumerated() {
            let file = candidates.appendingPathComponent("case\(String(format: "%03d", i)).py")
            try source.write(to: file, atomically: true, encoding: .utf8)
            index[file.lastPathComponent] = i
        }
        let results = dir.appendingPathComponent("results.jsonl")
        let run = try PygradeBinary.run([
            "batch", candidates.path, "--exercises-dir", dir.appendingPathComponent("exercises").path, "--out", results.path,
            "--no-progress",
        ])
        #expect(run.status == 0, "\(run.stderr)")
        var out = [[String: Any]?](repeating: nil, count: sources.count)
        for line in try String(contentsOf: results, encoding: .utf8).split(separator: "\n") {
            guard let record = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                let submission = record["submission"] as? String, let i = index[URL(fileURLWithPath: submission).lastPathComponent]
            else { continue }
            out[i] = (record["exercises"] as? [[String: Any]])?.first
        }
        return out
    }
}
