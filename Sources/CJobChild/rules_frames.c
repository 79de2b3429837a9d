// A library function named like a forbidden attribute or name, entered at
// run time. The hooks on builtins and on builtin types' methods
// (rules_hooks.c) do not see a method written in Python:
// `_collections_abc.MutableSequence.reverse` reverses by swapping items, and
// a namespace's dict reaches it without getattr
// (`vars(MutableSequence)["rev" + "erse"](chars)`, found by the attacker).
// So while a plan that forbids names or attributes is active, the job child
// evaluates every Python frame through `evaluate` (PEP 523's frame hook,
// which no Python code can take off): a frame whose code is the standard
// library's (its folder, or a frozen module) and whose name is forbidden is
// a hit. The candidate's own function of that name is theirs to write.
// Python-to-Python calls are not inlined while the hook is on, so only the
// plans that need it pay for it.
#define Py_BUILD_CORE 1
#include "rules_internal.h"

#include "internal/pycore_frame.h"

/* "<frozen ": the file name of a frozen module's code (_collections_abc is
   one). */
static PyObject *frozen;
/* sys._stdlib_dir and a slash. */
static PyObject *library;

static int starts_with(PyObject *s, PyObject *prefix) {
    return prefix && PyUnicode_Tailmatch(s, prefix, 0, PY_SSIZE_T_MAX, -1) == 1;
}

/* Whether code from `filename` is the standard library's. */
static int in_library(PyObject *filename) {
    if (!filename || !PyUnicode_Check(filename)) return 0;
    return starts_with(filename, frozen) || starts_with(filename, library);
}

static PyObject *evaluate(PyThreadState *ts, _PyInterpreterFrame *frame, int throwflag) {
    const plan *p = pg_rt.active;
    if (p) {
        PyObject *name = frame->f_code->co_name;
        Py_ssize_t n = PyUnicode_GET_LENGTH(name);
        for (int i = 0; i < p->nspelled; i++)
            if (PyUnicode_GET_LENGTH(p->spelled[i]) == n && PyUnicode_Compare(p->spelled[i], name) == 0 &&
                in_library(frame->f_code->co_filename))
                pg_hit(p->spelled_rules[i]);
    }
    return _PyEval_EvalFrameDefault(ts, frame, throwflag);
}

int pg_library_running(void) {
    PyFrameObject *frame = PyEval_GetFrame(); /* borrowed */
    if (!frame) return 0;
    PyCodeObject *code = PyFrame_GetCode(frame);
    int library = in_library(code->co_filename);
    Py_DECREF(code);
    return library;
}

int pg_frames_install(const plan *p) {
    if (!frozen && !(frozen = PyUnicode_FromString("<frozen "))) return -1;
    if (!library) {
        PyObject *dir = PySys_GetObject("_stdlib_dir"); /* borrowed */
        if (dir && PyUnicode_Check(dir) && !(library = PyUnicode_FromFormat("%U/", dir))) return -1;
    }
    if (p->nspelled == 0) return 0;
    _PyInterpreterState_SetEvalFrameFunc(PyInterpreterState_Get(), evaluate);
    return 0;
}
