import CJobChild
import CPython
import Testing

/// The C rules walker (rules_walk.c, rules_scopes.c) through its entry
/// point, pg_rule_hits, on trees the parser builds: a name counts only
/// where it means the builtin, as Python resolves scopes.
@Suite("C rules walker")
struct RulesWalkerTests {
    /// A rule (id, names, attributes, spelled, modules, slice_step, targets)
    /// as Harness.rule_sets builds them; `targets` matter at run time only.
    static let rules = """
        rules = (
            ("no-sorted", frozenset({"sorted"}), frozenset(), frozenset(), frozenset(), False, ()),
            ("no-reverse", frozenset(), frozenset({"reverse"}), frozenset(), frozenset(), False, ()),
            ("no-step", frozenset(), frozenset(), frozenset(), frozenset(), True, ()),
            ("no-os", frozenset(), frozenset(), frozenset(), frozenset({"os"}), False, ()),
        )
        """

    /// The (rule id, first line) hits of `source`, in the rules' order.
    static func hits(_ source: String) -> [Hit] {
        EmbeddedPython.run { py in
            py.exec(rules)
            py.set("source", source)
            py.exec("tree = compile(source, '<test>', 'exec', 0x400)")  // PyCF_ONLY_AST
            guard let list = pg_rule_hits(py["rules"], py["tree"]) else {
                PyErr_Print()
                fatalError("pg_rule_hits failed")
            }
            defer { pg_decref(list) }
            return (0..<PyList_Size(list)).map { i in
                let hit = PyList_GetItem(list, i)!
                let id = String(cString: PyUnicode_AsUTF8(PyTuple_GetItem(hit, 0)!)!)
                return Hit(id, PyLong_AsLong(PyTuple_GetItem(hit, 1)!))
            }
        }
    }

    struct Hit: Equatable, CustomStringConvertible {
        let id: String
        let line: Int
        init(_ id: String, _ line: Int) {
            self.id = id
            self.line = line
        }
        var description: String { "\(id)@\(line)" }
    }

    @Test func aCallOfTheForbiddenBuiltinIsAHitAtItsLine() {
        #expect(Self.hits("x = [3, 1]\ny = sorted(x)\n") == [Hit("no-sorted", 2)])
    }

    @Test func theFirstLineIsReported() {
        #expect(Self.hits("a = 1\n\nb = sorted([2])\nc = sorted([1])\n") == [Hit("no-sorted", 3)])
    }

    @Test func aFunctionOfTheSameNameShadowsTheBuiltin() {
        let module = "def sorted(xs):\n    return xs\n\ny = sorted([2, 1])\n"
        #expect(Self.hits(module) == [])
        let local = """
            def f(xs):
                def sorted(ys):
                    return ys
                return sorted(xs)

            def g(xs):
                return sorted(xs)
            """
        // f's call is its own local function's; g's is the builtin's.
        #expect(Self.hits(local) == [Hit("no-sorted", 7)])
    }

    @Test func enclosingFunctionScopesResolveAsPythonDoes() {
        let source = """
            def outer(xs):
                sorted = list
                def inner():
                    return sorted(xs)
                return inner()

            def other(xs):
                def inner():
                    return sorted(xs)
                return inner()
            """
        // outer's inner reads outer's local; other's inner finds nothing
        // bound on the way up: the builtin.
        #expect(Self.hits(source) == [Hit("no-sorted", 9)])
    }

    @Test func aClassScopeDoesNotEncloseItsMethods() {
        let source = "class C:\n    sorted = staticmethod(list)\n    def m(self, xs):\n        return sorted(xs)\n"
        #expect(Self.hits(source) == [Hit("no-sorted", 4)])
    }

    @Test func parametersAndDeclaredGlobalsBind() {
        #expect(Self.hits("f = lambda sorted: sorted(1)\n") == [])
        #expect(Self.hits("def f():\n    global sorted\n    sorted = list\n\nx = sorted([1])\n") == [])
        // A default is evaluated in the enclosing scope, where the name is the builtin's.
        #expect(Self.hits("def f(sorted=sorted):\n    return sorted\n") == [Hit("no-sorted", 1)])
    }

    @Test func comprehensionsHaveTheirOwnScopeButNotTheirFirstIterable() {
        #expect(Self.hits("ys = [sorted for sorted in [1]]\n") == [])
        #expect(Self.hits("ys = [x for x in sorted([2, 1])]\n") == [Hit("no-sorted", 1)])
    }

    @Test func otherRulesReportInTheRulesOrder() {
        let source = "import os.path\nxs = [1]\nxs.reverse()\nys = xs[::-1]\nzs = sorted(ys)\n"
        #expect(
            Self.hits(source) == [Hit("no-sorted", 5), Hit("no-reverse", 3), Hit("no-step", 4), Hit("no-os", 1)])
        #expect(Self.hits("xs = [1][1:2]\nimport sys\n") == [])
    }
}
