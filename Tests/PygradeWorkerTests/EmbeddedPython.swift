import CJobChild
import CPython

/// The worker's interpreter, started once in the test process as the worker
/// starts it (pg_python_initialize: isolated, no site, no signal handlers),
/// with the rules' AST classes set up (pg_rules_init). Tests run on several
/// threads at once: each holds the GIL for its body (`run`).
enum EmbeddedPython {
    private static let started: Bool = {
        var why = [CChar](repeating: 0, count: 512)
        guard pg_python_initialize(&why, why.count) == 0, pg_rules_init() == 0 else { return false }
        // The starting thread holds the GIL: let it go, so that any test's
        // thread can take it.
        _ = PyEval_SaveThread()
        return true
    }()

    /// `body` with the GIL held and a fresh namespace (over the builtins).
    static func run<T>(_ body: (Namespace) throws -> T) rethrows -> T {
        precondition(started, "Python did not start in the test process")
        let gil = PyGILState_Ensure()
        defer { PyGILState_Release(gil) }
        let namespace = Namespace()
        defer { pg_decref(namespace.globals) }
        return try body(namespace)
    }

    /// A dictionary of globals to run Python in.
    struct Namespace {
        let globals: UnsafeMutablePointer<PyObject>

        fileprivate init() {
            globals = PyDict_New()!
            PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins())
        }

        /// Runs statements in the namespace.
        func exec(_ code: String) {
            guard let r = PyRun_StringFlags(code, Py_file_input, globals, globals, nil) else {
                PyErr_Print()
                fatalError("test Python failed: \(code)")
            }
            pg_decref(r)
        }

        /// A name the namespace binds (borrowed: the namespace keeps it).
        subscript(_ name: String) -> UnsafeMutablePointer<PyObject> {
            guard let o = PyDict_GetItemString(globals, name) else { fatalError("\(name) is not bound") }
            return o
        }

        /// Binds `name` to a str.
        func set(_ name: String, _ text: String) {
            let s = PyUnicode_FromString(text)!
            PyDict_SetItemString(globals, name, s)
            pg_decref(s)
        }
    }
}
