// The hooks of compile, eval, exec and getattr: text is parsed and a tree
// copied (rules_canonical.c), the walker checks what will run, and the
// original runs on exactly what was checked.
#include "rules_internal.h"

#include <string.h>

/* Runs the walker over a tree and reports what it breaks, at run time. */
static int check_runtime_tree(PyObject *tree) {
    long first[MAX_BITS] = {0};
    if (pg_check_tree(pg_rt.active->rules, tree, first)) return -1;
    uint64_t broken = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(pg_rt.active->rules); i++)
        if (first[i]) broken |= 1ull << i;
    pg_hit(broken);
    return 0;
}

/* Text given to compile, eval or exec, as it will be read: str and bytes
   as they are (immutable), any other buffer (bytearray, memoryview) copied
   once, so that what is checked is what runs. NULL (no error) for anything
   else. */
static PyObject *source_text(PyObject *source) {
    if (PyUnicode_Check(source) || PyBytes_Check(source)) {
        Py_INCREF(source);
        return source;
    }
    if (PyObject_CheckBuffer(source)) return PyBytes_FromObject(source);
    return NULL;
}

/* eval() skips leading spaces and tabs; the check parses what it parses. */
static PyObject *strip_for_eval(PyObject *text) {
    if (PyUnicode_Check(text)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
        while (i < n && (PyUnicode_READ_CHAR(text, i) == ' ' || PyUnicode_READ_CHAR(text, i) == '\t')) i++;
        return PyUnicode_Substring(text, i, n);
    }
    const char *p = PyBytes_AS_STRING(text);
    Py_ssize_t n = PyBytes_GET_SIZE(text), i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
    return PyBytes_FromStringAndSize(p + i, n - i);
}

/* The original compile(), called directly: (source, filename, mode, flags,
   dont_inherit, optimize) and keywords, as the builtin takes them. Like
   the builtin, it inherits the calling code's future flags: no Python frame
   is pushed for this C function, so the caller's is still current. */
static PyObject *original_compile(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return ((_PyCFunctionFastWithKeywords)(void (*)(void))original(COMPILE))(self, args, nargs, kwnames);
}

/* Parses `text` with the original compile() (GC off: nothing of the
   candidate's runs meanwhile) and checks the tree. `args`: filename, mode,
   flags (with PyCF_ONLY_AST), dont_inherit, then optimize and
   _feature_version or NULL. */
static int check_text(PyObject *self, PyObject *text, PyObject *const *args) {
    if (!pg_ast_classes_untouched()) return -1;
    PyObject *call[7] = {text, args[0], args[1], args[2], args[3], args[4], args[5]};
    Py_ssize_t nargs = 5;
    if (call[5]) nargs = 6;
    else call[5] = call[6];
    PyObject *kwnames = call[nargs] ? Py_BuildValue("(s)", "_feature_version") : NULL;
    if (call[nargs] && !kwnames) return -1;
    int gc = PyGC_Disable();
    PyObject *tree = original_compile(self, call, nargs, kwnames);
    int rc = tree ? check_runtime_tree(tree) : -1;
    if (gc) PyGC_Enable();
    Py_XDECREF(tree);
    Py_XDECREF(kwnames);
    return rc;
}

PyObject *pg_compile_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (!pg_rt.active) return original_compile(self, args, nargs, kwnames);
    method_called(pg_special_slot[COMPILE]);
    // compile(source, filename, mode, flags=0, dont_inherit=False,
    // optimize=-1, *, _feature_version=-1), by position or by keyword.
    static const char *const params[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize", "_feature_version"};
    enum { SOURCE, FILENAME, MODE, FLAGS, DONT_INHERIT, OPTIMIZE, FEATURE_VERSION, PARAMS };
    PyObject *value[PARAMS] = {0}, *owned[PARAMS] = {0};
    int slot[PARAMS];
    int understood = nargs <= OPTIMIZE + 1;
    for (int i = 0; i < PARAMS; i++) slot[i] = -1;
    for (Py_ssize_t i = 0; understood && i < nargs; i++) {
        value[i] = args[i];
        slot[i] = (int)i;
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; understood && k < nkw; k++) {
        int found = 0;
        for (int i = 0; i < PARAMS && !found; i++)
            if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, k), params[i]) == 0) {
                found = 1;
                if (value[i]) understood = 0;
                value[i] = args[nargs + k];
                slot[i] = (int)(nargs + k);
            }
        if (!found) understood = 0;
    }
    understood = understood && value[SOURCE] && value[FILENAME] && value[MODE];
    // The integers are read once (an __index__ could answer differently
    // twice), and both the check and the original get what was read.
    long flags = 0;
    for (int i = FLAGS; understood && i < PARAMS; i++) {
        if (!value[i] || i == DONT_INHERIT) continue;
        owned[i] = PyNumber_Index(value[i]);
        if (!owned[i]) {
            PyErr_Clear();
            understood = 0;
        }
    }
    if (understood && owned[FLAGS]) {
        flags = PyLong_AsLong(owned[FLAGS]);
        if (flags == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            understood = 0;
        }
    }
    PyObject *source = NULL, *r = NULL, **call = NULL;
    if (!understood) {
        // Not a call compile() accepts: let it say why, and make sure it did.
        r = original_compile(self, args, nargs, kwnames);
        if (r) {
            Py_CLEAR(r);
            PyErr_SetString(PyExc_SystemError, "pygrade: compile() arguments that the rules do not understand");
        }
        goto done;
    }
    int is_ast = PyObject_IsInstance(value[SOURCE], (PyObject *)pg_node_types[NODE_AST]);
    if (is_ast < 0) goto done;
    if (is_ast) {
        if (!pg_ast_classes_untouched()) goto done;
        int gc = PyGC_Disable();
        source = pg_canonical_tree(value[SOURCE]);
        int rc = source ? check_runtime_tree(source) : -1;
        if (gc) PyGC_Enable();
        if (rc) goto done;
    } else {
        source = source_text(value[SOURCE]);
        if (PyErr_Occurred()) goto done;
        if (!source) {  // not source at all: compile() raises its TypeError
            r = original_compile(self, args, nargs, kwnames);
            goto done;
        }
        PyObject *ast_flags = PyLong_FromLong(flags | PyCF_ONLY_AST);
        PyObject *rest[6] = {value[FILENAME], value[MODE], ast_flags, value[DONT_INHERIT] ? value[DONT_INHERIT] : Py_False,
                             owned[OPTIMIZE], owned[FEATURE_VERSION]};
        int rc = ast_flags ? check_text(self, source, rest) : -1;
        Py_XDECREF(ast_flags);
        if (rc) goto done;
    }
    // The original, on what was checked.
    call = PyMem_Malloc((size_t)(nargs + nkw + 1) * sizeof *call);
    if (!call) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(call, args, (size_t)(nargs + nkw) * sizeof *call);
    call[slot[SOURCE]] = source;
    for (int i = FLAGS; i < PARAMS; i++)
        if (owned[i]) call[slot[i]] = owned[i];
    r = original_compile(self, call, nargs, kwnames);
done:
    PyMem_Free(call);
    Py_XDECREF(source);
    for (int i = 0; i < PARAMS; i++) Py_XDECREF(owned[i]);
    return r;
}

/* eval and exec: text is parsed and checked, then the original runs on it. */
static PyObject *eval_exec_hook(int special, PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyCFunction meth = original(special);
    PyObject *text = NULL;
    if (pg_rt.active) {
        method_called(pg_special_slot[special]);
        text = nargs >= 1 ? source_text(args[0]) : NULL;
    }
    if (PyErr_Occurred()) return NULL;
    if (text) {
        PyObject *parsed = special == EVAL ? strip_for_eval(text) : (Py_INCREF(text), text);
        PyObject *filename = PyUnicode_FromString("<string>");
        PyObject *mode = PyUnicode_FromString(special == EVAL ? "eval" : "exec");
        PyObject *flags = PyLong_FromLong(PyCF_ONLY_AST);
        PyObject *rest[6] = {filename, mode, flags, Py_False, NULL, NULL};
        int rc = parsed && filename && mode && flags ? check_text(self, parsed, rest) : -1;
        Py_XDECREF(parsed);
        Py_XDECREF(filename);
        Py_XDECREF(mode);
        Py_XDECREF(flags);
        if (rc) {
            Py_DECREF(text);
            return NULL;
        }
    }
    PyObject **copy = NULL;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (text && text != args[0]) {
        // A copied buffer: the original reads the copy that was checked.
        copy = PyMem_Malloc((size_t)(nargs + nkw) * sizeof *copy);
        if (!copy) {
            Py_DECREF(text);
            return PyErr_NoMemory();
        }
        memcpy(copy, args, (size_t)(nargs + nkw) * sizeof *copy);
        copy[0] = text;
    }
    PyObject *const *call = copy ? copy : args;
    PyObject *r = special == EVAL ? ((_PyCFunctionFast)(void (*)(void))meth)(self, call, nargs)
                                  : ((_PyCFunctionFastWithKeywords)(void (*)(void))meth)(self, call, nargs, kwnames);
    PyMem_Free(copy);
    Py_XDECREF(text);
    return r;
}

PyObject *pg_eval_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return eval_exec_hook(EVAL, self, args, nargs, NULL);
}

PyObject *pg_exec_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return eval_exec_hook(EXEC, self, args, nargs, kwnames);
}

/* getattr(obj, name[, default]) with a name that spells a forbidden name or
   attribute: compared by content (a str subclass runs no code here). */
PyObject *pg_getattr_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    const plan *p = pg_rt.active;
    if (p) {
        method_called(pg_special_slot[GETATTR]);
        if (nargs >= 2 && PyUnicode_Check(args[1])) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(args[1]);
            for (int i = 0; i < p->nspelled; i++)
                if (PyUnicode_GET_LENGTH(p->spelled[i]) == n && PyUnicode_Compare(p->spelled[i], args[1]) == 0)
                    pg_hit(p->spelled_rules[i]);
            PyErr_Clear();
        }
    }
    return ((_PyCFunctionFast)(void (*)(void))original(GETATTR))(self, args, nargs);
}
