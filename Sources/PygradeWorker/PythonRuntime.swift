import CJobChild
import CPython
import Foundation
import PygradeProtocol

/// The embedded interpreter of the worker. Initialised once, isolated (no
/// site, no environment, no signal handlers), with the harness loaded.
final class PythonRuntime {
    let compile: UnsafeMutablePointer<PyObject>
    let flush: UnsafeMutablePointer<PyObject>
    private let prepareFunction: UnsafeMutablePointer<PyObject>
    private let ruleSetsFunction: UnsafeMutablePointer<PyObject>
    private let checkSourcesFunction: UnsafeMutablePointer<PyObject>

    init() throws(WorkerFailure) {
        var why = [CChar](repeating: 0, count: 512)
        guard pg_python_initialize(&why, why.count) == 0 else {
            throw WorkerFailure(.pythonStart, "Python did not start: \(cString(why))")
        }
        guard let globals = PyDict_New() else { throw WorkerFailure(.noMemory, "no memory") }
        PyDict_SetItemString(globals, "__builtins__", PyEval_GetBuiltins())
        PyDict_SetItemString(globals, "__name__", PyUnicode_FromString("pygrade_harness"))
        guard let r = PyRun_StringFlags(Harness.source, Py_file_input, globals, globals, nil) else {
            throw WorkerFailure(.pythonStart, "the harness failed to load: \(PythonRuntime.takeError())")
        }
        pg_decref(r)
        guard let prepare = PyDict_GetItemString(globals, "prepare"),
            let ruleSets = PyDict_GetItemString(globals, "rule_sets_json"),
            let checkSources = PyDict_GetItemString(globals, "check_sources"),
            let flush = PyDict_GetItemString(globals, "flush"),
            let compile = PyDict_GetItemString(PyEval_GetBuiltins(), "compile"),
            pg_rules_init() == 0
        else { throw WorkerFailure(.pythonStart, "the harness is incomplete") }
        guard pg_rules_warm(compile) == 0 else { throw WorkerFailure(.pythonStart, "the AST warm-up sample (rules.c) does not parse") }
        pg_incref(prepare)
        pg_incref(ruleSets)
        pg_incref(checkSources)
        pg_incref(flush)
        pg_incref(compile)
        prepareFunction = prepare
        ruleSetsFunction = ruleSets
        checkSourcesFunction = checkSources
        self.flush = flush
        self.compile = compile
    }

    /// The folders imports read from (sys.path of the isolated
    /// interpreter: the stdlib and its extension modules).
    func modulePaths() -> [String] {
        guard let path = PySys_GetObject("path") else { return [] }
        var out: [String] = []
        for i in 0..<PyList_Size(path) {
            if let item = PyList_GetItem(path, i), let utf8 = PyUnicode_AsUTF8(item) { out.append(String(cString: utf8)) }
        }
        PyErr_Clear()
        return out
    }

    /// Empties os.environ (and with it the C environment): job children
    /// inherit nothing of the worker's environment, not even the copy
    /// Python made at start-up.
    func scrubEnvironment() {
        if PyRun_SimpleStringFlags("import os as _os\n_os.environ.clear()\ndel _os\n", nil) != 0 { PyErr_Clear() }
    }

    static func takeError() -> String {
        var buf = [CChar](repeating: 0, count: 2048)
        pg_take_error(&buf, buf.count)
        return cString(buf)
    }

    func prepare(specJSON: String, resultLimit: Int, previewBytes: Int? = nil) throws(WorkerFailure) -> PreparedExercise {
        guard let spec = PyUnicode_FromString(specJSON) else { throw WorkerFailure(.testInputs, PythonRuntime.takeError()) }
        defer { pg_decref(spec) }
        guard let pair = PyObject_CallOneArg(prepareFunction, spec) else {
            // A test's inputs failed: the message names the test already.
            let error = PythonRuntime.takeError()
            let named = Harness.testInputError + ": "
            throw WorkerFailure(.testInputs, error.hasPrefix(named) ? String(error.dropFirst(named.count)) : error)
        }
        defer { pg_decref(pair) }
        guard let tests = PyTuple_GetItem(pair, 0), let rules = PyTuple_GetItem(pair, 1), let probesCode = PyTuple_GetItem(pair, 2),
            let builtinsItems = PyTuple_GetItem(pair, 3)
        else {
            throw WorkerFailure(.testInputs, "prepare() returned no tests")
        }
        pg_incref(tests)
        var digests: [[UInt8]] = []
        var previews: [[UInt8]] = []
        for i in 0..<PyList_Size(tests) {
            guard let test = PyList_GetItem(tests, i), let args = PyTuple_GetItem(test, 1), let kwargs = PyTuple_GetItem(test, 2) else {
                PyErr_Clear()
                throw WorkerFailure(.testInputs, "test \(i + 1) is not (probe, args, kwargs)")
            }
            var out = [UInt8](repeating: 0, count: 16)
            guard Int(pg_args_digest(args, pg_is_none(kwargs) != 0 ? nil : kwargs, resultLimit, &out)) == PG_ENC_OK else {
                throw WorkerFailure(.testInputs, "test \(i + 1): its arguments are not plain data")
            }
            digests.append(out)
            if let previewBytes {
                // Capped: a million-leaf input costs a prefix, not a copy.
                var buf = pg_buf()
                let rc = pg_args_preview(args, pg_is_none(kwargs) != 0 ? nil : kwargs, previewBytes, &buf)
                previews.append(
                    rc == PG_ENC_OK || rc == PG_ENC_TOO_LARGE ? Array(UnsafeBufferPointer(start: buf.data, count: buf.len)) : [])
                pg_buf_free(&buf)
            }
        }
        func kept(_ o: UnsafeMutablePointer<PyObject>) -> UnsafeMutablePointer<PyObject>? {
            guard pg_is_none(o) == 0 else { return nil }
            pg_incref(o)
            return o
        }
        var ruleIDs: [String] = []
        if pg_is_none(rules) == 0 {
            // The rules' plan and their run-time hooks (inert until a job
            // child installs them), once here in the zygote rather than in
            // every child.
            guard pg_rules_prepare(rules) == 0 else { throw WorkerFailure(.rules, "the rules: \(PythonRuntime.takeError())") }
            for i in 0..<PyTuple_Size(rules) {
                guard let id = PyTuple_GetItem(PyTuple_GetItem(rules, i), 0), let utf8 = PyUnicode_AsUTF8(id) else {
                    throw WorkerFailure(.rules, "rule \(i + 1) has no id")
                }
                ruleIDs.append(String(cString: utf8))
            }
        }
        return PreparedExercise(
            tests: tests, probesCode: kept(probesCode), builtinsItems: kept(builtinsItems), rules: kept(rules), ruleIDs: ruleIDs,
            argumentDigests: digests, argumentPreviews: previews)
    }

    /// The problems of the author's Python (SourceCheckRequest), as JSON.
    /// To be called in a child of the base: compiling arguments makes
    /// constants of them.
    func checkSources(itemsJSON: String) throws(WorkerFailure) -> [SourceCheckResponse.Problem] {
        guard let text = PyUnicode_FromString(itemsJSON) else { throw WorkerFailure(.sourceCheck, PythonRuntime.takeError()) }
        defer { pg_decref(text) }
        guard let result = PyObject_CallOneArg(checkSourcesFunction, text) else {
            throw WorkerFailure(.sourceCheck, PythonRuntime.takeError())
        }
        defer { pg_decref(result) }
        guard let utf8 = PyUnicode_AsUTF8(result),
            let problems = try? JSONDecoder().decode([SourceCheckResponse.Problem].self, from: Data(String(cString: utf8).utf8))
        else { throw WorkerFailure(.sourceCheck, "check_sources() returned no list of problems") }
        return problems
    }

    /// An exercise's rules as the C walker reads them (rules_walk.c), or nil when
    /// it has none. Rules are no secret: the worker's base builds them, for
    /// its compile children.
    func ruleSets(json: String) throws(WorkerFailure) -> UnsafeMutablePointer<PyObject>? {
        guard let text = PyUnicode_FromString(json) else { throw WorkerFailure(.rules, PythonRuntime.takeError()) }
        defer { pg_decref(text) }
        guard let sets = PyObject_CallOneArg(ruleSetsFunction, text) else { throw WorkerFailure(.rules, PythonRuntime.takeError()) }
        if pg_is_none(sets) != 0 {
            pg_decref(sets)
            return nil
        }
        return sets
    }
}

func cString(_ chars: [CChar]) -> String {
    String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
