import Foundation
import Testing

/// The rules, in the job child: statically by the C walker over the AST
/// (Sources/CJobChild/rules_*.c), each kind of rule on the constructs it
/// must catch with the line of the first hit (what a plain `ast.walk` over
/// the same trees gives); names resolved through scopes as CPython's
/// symtable resolves them; and at run time, on what the code compiles and
/// calls (a hit with no line: `at_run_time`).
/// (At run time: RunTimeRuleTests; scopes: ScopeRuleTests.)
@Suite("Rules")
struct RuleTests: RuleTestSupport {
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
}
