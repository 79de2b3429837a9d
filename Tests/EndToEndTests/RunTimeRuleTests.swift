import Foundation
import Testing

/// The rules at run time, on what the code compiles and calls (a hit with
/// no line: `at_run_time`).
@Suite("Rules at run time")
struct RunTimeRuleTests: RuleTestSupport {
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

    /// A slice with a step made by code built from bytecode (BUILD_SLICE):
    /// no slice() called, no slice in any source, text or tree. A line of
    /// reverse_string's body that binds it to STEP.
    static let stepFromBytes =
        "op = __import__('opcode').opmap\n    t = __import__('types')\n"
        + "    STEP = t.FunctionType(t.CodeType(0, 0, 0, 0, 3, 3, bytes([op['RESUME'], 0, op['LOAD_CONST'], 0, op['LOAD_CONST'], 0, "
        + "op['LOAD_CONST'], 1, op['BUILD_SLICE'], 3, op['RETURN_VALUE'], 0]), (None, -1), (), (), 'x', 'f', 'f', 1, b'', b''), {})()\n    "

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
        // A subscript with a step, however the slice was made and the
        // subscript reached (rules_subscript.c): each sequence type, its
        // __getitem__ and __setitem__, a subclass, a module made again. (The
        // standard library's own subscripts are not hits: `re` compiles a
        // character class with `[::-1]`.)
        (stepFromBytes + "return s[STEP]", [nil, nil, 0, nil]),
        (stepFromBytes + "return str.__getitem__(s, STEP)", [nil, nil, 0, nil]),
        (stepFromBytes + "return ''.join(list.__getitem__(list(s), STEP))", [nil, nil, 0, nil]),
        (stepFromBytes + "return ''.join(tuple(s)[STEP])", [nil, nil, 0, nil]),
        (stepFromBytes + "return operator.getitem(s, STEP)", [nil, nil, 0, nil]),
        (stepFromBytes + "r = list(s)\n    r[STEP] = list(s)\n    return ''.join(r)", [nil, nil, 0, nil]),
        (stepFromBytes + "return s.encode()[STEP].decode() if s.isascii() else s", [nil, nil, 0, nil]),
        (stepFromBytes + "return bytearray(s.encode())[STEP].decode() if s.isascii() else s", [nil, nil, 0, nil]),
        (stepFromBytes + "return ''.join(s[i] for i in range(len(s))[STEP])", [nil, nil, 0, nil]),
        (stepFromBytes + "return bytes(memoryview(s.encode('utf-32-le')).cast('I')[STEP]).decode('utf-32-le')", [nil, nil, 0, nil]),
        (stepFromBytes + "import array\n    return array.array('u', s)[STEP].tounicode()", [nil, nil, 0, nil]),
        (
            stepFromBytes + "import sys\n    del sys.modules['array']\n    import array\n    return array.array('u', s)[STEP].tounicode()",
            [nil, nil, 0, nil]
        ),
        (stepFromBytes + "class S(str):\n        pass\n    return str(S(s)[STEP])", [nil, nil, 0, nil]),
        // A subscript without a step is fair, however it is made.
        (
            stepFromBytes + "return ''.join(s[i] for i in range(len(s) - 1, -1, -1)) + s[1:1] + s[:0] + str(list(s)[0:1])[:0]",
            [nil, nil, nil, nil]
        ),
    ]

    @Test func rulesApplyToWhatTheCodeCompilesAndCallsAtRunTime() throws {
        let dir = try Self.folder(exercise: Self.runTimeExercise)
        defer { try? FileManager.default.removeItem(at: dir) }
        let sources = Self.runTimeCases.map { "import ast, builtins, collections, operator\n\n\ndef reverse_string(s):\n    \($0.0)\n" }
        // With the code guard left out: the cases that build a slice from
        // bytecode test the subscript hook behind it (the guard refuses
        // the code object first: CodeGuardAttackTests); no other case makes
        // a code object.
        let reports = try Self.batch(sources, in: dir, environment: ["PYGRADE_SANDBOX_DISABLE": "no-made-code"])
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
}
