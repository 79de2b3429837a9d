// No code object a candidate made runs in a job child.
//
// CPython trusts its bytecode: an instruction's argument is not checked
// against the tables it indexes (LOAD_CONST past co_consts reads whatever
// lies after the tuple). So a code object built from bytes of the
// candidate's choosing is arbitrary memory access from plain Python: a
// fake bytearray over the whole address space, with which the candidate
// switches the run-time rules off, reads the frame secret or rewrites any
// hook (docs/sandbox.md, "Code objects"). Only the compiler's code runs
// here: the candidate's module (compiled in a compile child), what
// compile()/eval()/exec() make of text or trees (checked by the rules),
// and the standard library's own .pyc files.
//
// Installed in every job child before any candidate code runs, on the
// definitions themselves (as the run-time rules' hooks are): the objects
// stay what they were, a module imported again gets the same definitions,
// and nothing Python can reach undoes it.
//   - types.CodeType(...) (PyCode_Type's tp_new) and code.replace(...) are
//     refused.
//   - marshal.loads/marshal.load refuse a result that holds a code object
//     (at any depth), unless the bytes are those of a real .pyc file of the
//     standard library's (importlib's _compile_bytecode names the file in
//     its frame; the name is the candidate's to fake, so the file is read
//     here, in C, no symbolic link followed, and compared; Landlock keeps
//     the tree read-only). Inside an import (importlib, zipimport) the
//     refusal is an ImportError, which zipimport takes as "try the source".
//   - _imp.get_frozen_object(name, data) unmarshals `data` into a code
//     object: refused when data is given (importlib gives only a name).
// The collector is off while marshal builds its objects: a collection
// would run the candidate's finalizers and gc.callbacks, which could take
// a half-built tuple holding a code object out of gc.get_objects().
#include "job_child.h"

#include <errno.h>
#include <fcntl.h>
#include <marshal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* What every refusal says. */
static const char refused[] =
    "code objects cannot be made in a job: types.CodeType, code.replace and code from marshal are refused";

/* The standard library's folder (sys._stdlib_dir), read before any
   candidate code. */
static char *stdlib_dir;

static PyCFunction marshal_loads, marshal_load, get_frozen_object; /* the originals */

/* This Python's .pyc magic number, read before any candidate code
   (PyImport_GetMagicNumber reads a module attribute a candidate can set). */
static long pyc_magic;

/* io.BytesIO, taken before any candidate code (an import later would go
   through the candidate's __import__ and sys.modules). */
static PyObject *bytes_io;

/* Lets this process write the page(s) under [p, p + n) (a definition in
   RELRO memory is read-only after relocation). Never code. */
static int cg_writable(void *p, size_t n) {
    uintptr_t size = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t first = (uintptr_t)p & ~(size - 1), end = ((uintptr_t)p + n + size - 1) & ~(size - 1);
    return mprotect((void *)first, end - first, PROT_READ | PROT_WRITE);
}

/* ---- Code objects made from values: refused ---- */

static PyObject *code_new_refused(PyTypeObject *type, PyObject *args, PyObject *kwargs) {
    (void)type, (void)args, (void)kwargs;
    PyErr_SetString(PyExc_RuntimeError, refused);
    return NULL;
}

/* code.replace as CPython has it, for the one change the standard library
   makes and memory safety does not rest on: `types.coroutine` (asyncio's
   import runs it) sets CO_ITERABLE_COROUTINE on a generator's code. Names,
   a file name and a first line may change with it (strings and a number no
   instruction indexes by). Anything else (bytecode, constants, names the
   bytecode indexes, sizes, tables) is refused. */
static _PyCFunctionFastWithKeywords code_replace_original;

static int replace_is_harmless(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (nargs != 0 || !kwnames || !PyCode_Check(self)) return 0;
    static const char *const harmless[] = {"co_flags", "co_name", "co_qualname", "co_filename", "co_firstlineno"};
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(kwnames); i++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, i));
        if (!name) return PyErr_Clear(), 0;
        int known = 0;
        for (size_t k = 0; k < sizeof harmless / sizeof harmless[0]; k++) known |= strcmp(name, harmless[k]) == 0;
        if (!known) return 0;
        if (strcmp(name, "co_flags") == 0) {
            PyObject *value = args[i];
            if (!PyLong_CheckExact(value)) return 0;
            long flags = PyLong_AsLong(value);
            if (flags == -1 && PyErr_Occurred()) return PyErr_Clear(), 0;
            if ((flags ^ ((PyCodeObject *)self)->co_flags) & ~CO_ITERABLE_COROUTINE) return 0;
        }
    }
    return 1;
}

static PyObject *code_replace_refused(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (code_replace_original && replace_is_harmless(self, args, nargs, kwnames))
        return code_replace_original(self, args, nargs, kwnames);
    PyErr_SetString(PyExc_RuntimeError, refused);
    return NULL;
}

static PyObject *get_frozen_object_guarded(PyObject *module, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs >= 2 && args[1] != Py_None) {
        PyErr_SetString(PyExc_ImportError, refused);
        return NULL;
    }
    return ((_PyCFunctionFast)(void (*)(void))get_frozen_object)(module, args, nargs);
}

/* ---- Does a value marshal made hold a code object? ---- */

/* Containers seen (marshal shares objects and makes cycles): an open
   addressing set of addresses. */
typedef struct {
    uintptr_t *slots;
    size_t cap, n;
} seen_set;

/* 1 if added, 0 if there, -1 on no memory. */
static int seen_add(seen_set *s, PyObject *o) {
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 256;
        uintptr_t *slots = calloc(cap, sizeof *slots);
        if (!slots) return -1;
        for (size_t i = 0; i < s->cap; i++) {
            if (!s->slots[i]) continue;
            size_t j = (s->slots[i] >> 4) & (cap - 1);
            while (slots[j]) j = (j + 1) & (cap - 1);
            slots[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    uintptr_t key = (uintptr_t)o;
    size_t j = (key >> 4) & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == key) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = key;
    s->n++;
    return 1;
}

typedef struct {
    seen_set seen;
    PyObject **stack;
    size_t top, cap;
} walk_state;

/* 1 if `o` is a code object; else a container not seen yet goes on the
   stack: 0, or -1 on no memory. */
static int visit(walk_state *w, PyObject *o) {
    if (PyCode_Check(o)) return 1;
    if (!(PyTuple_Check(o) || PyList_Check(o) || PyDict_Check(o) || PyAnySet_Check(o))) return 0;
    int added = seen_add(&w->seen, o);
    if (added <= 0) return added;
    if (w->top == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        PyObject **stack = realloc(w->stack, cap * sizeof *stack);
        if (!stack) return -1;
        w->stack = stack;
        w->cap = cap;
    }
    w->stack[w->top++] = o;
    return 0;
}

/* 1 if `root` holds a code object, 0 if not, -1 with MemoryError. Reads
   containers directly: no method of anything is called. */
static int holds_code(PyObject *root) {
    walk_state w = {0};
    int r = visit(&w, root);
    while (r == 0 && w.top) {
        PyObject *o = w.stack[--w.top], *k, *v;
        Py_ssize_t pos = 0;
        Py_hash_t hash;
        if (PyTuple_Check(o)) {
            for (Py_ssize_t i = 0; r == 0 && i < PyTuple_GET_SIZE(o); i++) r = visit(&w, PyTuple_GET_ITEM(o, i));
        } else if (PyList_Check(o)) {
            for (Py_ssize_t i = 0; r == 0 && i < PyList_GET_SIZE(o); i++) r = visit(&w, PyList_GET_ITEM(o, i));
        } else if (PyDict_Check(o)) {
            while (r == 0 && PyDict_Next(o, &pos, &k, &v))
                if ((r = visit(&w, k)) == 0) r = visit(&w, v);
        } else {
            while (r == 0 && _PySet_NextEntry(o, &pos, &k, &hash)) r = visit(&w, k);
        }
    }
    free(w.stack);
    free(w.seen.slots);
    if (r < 0) PyErr_NoMemory();
    return r;
}

/* ---- The standard library's own .pyc files ---- */

/* Whether marshal's caller is the import system's own code (importlib,
   zipimport: frozen modules, named "<frozen ...>"), which only picks the
   exception a refusal raises; and the `bytecode_path` it names, if it is a
   function with such a local that is a str (importlib's _compile_bytecode):
   a new reference, or NULL (no exception). Only a function's frame is
   read: its locals are a plain dict, so no code of the candidate's runs. */
static PyObject *caller_bytecode_path(int *importing) {
    *importing = 0;
    PyFrameObject *frame = PyEval_GetFrame();
    if (!frame) return NULL;
    PyCodeObject *code = PyFrame_GetCode(frame);
    int function = (code->co_flags & CO_OPTIMIZED) != 0;
    const char *file = PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
    *importing = file && strncmp(file, "<frozen ", 8) == 0;
    Py_DECREF(code);
    PyErr_Clear();
    if (!function) return NULL;
    PyObject *locals = PyFrame_GetLocals(frame);
    PyObject *path = locals && PyDict_CheckExact(locals) ? PyDict_GetItemString(locals, "bytecode_path") : NULL;
    if (path && PyUnicode_CheckExact(path)) Py_INCREF(path);
    else path = NULL;
    Py_XDECREF(locals);
    PyErr_Clear();
    return path;
}

static int read_all(int fd, char *buf, size_t n) {
    while (n) {
        ssize_t r = read(fd, buf, n);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        buf += r;
        n -= (size_t)r;
    }
    return 0;
}

/* The file under the standard library's folder that `path` names, opened
   one component at a time, none a symbolic link, "." or "..": -1 if not. */
static int open_in_stdlib(const char *path) {
    size_t dirlen = strlen(stdlib_dir);
    if (strncmp(path, stdlib_dir, dirlen) != 0 || path[dirlen] != '/') return -1;
    int fd = open(stdlib_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    const char *p = path + dirlen + 1;
    while (fd >= 0) {
        const char *slash = strchr(p, '/');
        size_t len = slash ? (size_t)(slash - p) : strlen(p);
        char name[256];
        if (len == 0 || len >= sizeof name || (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.')) {
            close(fd);
            return -1;
        }
        memcpy(name, p, len);
        name[len] = 0;
        int next = openat(fd, name, (slash ? O_PATH | O_DIRECTORY : O_RDONLY | O_NONBLOCK) | O_NOFOLLOW | O_CLOEXEC);
        close(fd);
        fd = next;
        if (!slash) break;
        p = slash + 1;
    }
    return fd;
}

/* When `path` names a .pyc file of the standard library's and `data` is
   that file's content after its 16-byte header: that content, read from
   the file (a new bytes object, so that nothing the candidate holds is
   what is unmarshalled). Otherwise NULL, with no exception. */
static PyObject *stdlib_pyc(PyObject *path, PyObject *data) {
    Py_ssize_t pathlen;
    const char *p = PyUnicode_AsUTF8AndSize(path, &pathlen);
    if (!p || (size_t)pathlen != strlen(p) || pathlen < 4 || strcmp(p + pathlen - 4, ".pyc") != 0) {
        PyErr_Clear();
        return NULL;
    }
    Py_buffer view;
    if (PyObject_GetBuffer(data, &view, PyBUF_SIMPLE) != 0) {
        PyErr_Clear();
        return NULL;
    }
    PyObject *content = NULL;
    int fd = open_in_stdlib(p);
    struct stat st;
    unsigned char header[16];
    if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 16 + view.len &&
        read_all(fd, (char *)header, 16) == 0 &&
        (header[0] | header[1] << 8 | (long)header[2] << 16 | (long)header[3] << 24) == pyc_magic &&
        (content = PyBytes_FromStringAndSize(NULL, view.len)) != NULL) {
        if (read_all(fd, PyBytes_AS_STRING(content), (size_t)view.len) != 0 ||
            memcmp(PyBytes_AS_STRING(content), view.buf, (size_t)view.len) != 0)
            Py_CLEAR(content);
    }
    if (fd >= 0) close(fd);
    PyBuffer_Release(&view);
    PyErr_Clear();
    return content;
}

/* ---- marshal.loads, marshal.load ---- */

/* `load(module, arg)` with the collector off; the result refused if it
   holds a code object (an ImportError when an import asked). */
static PyObject *unmarshal_guarded(PyCFunction load, PyObject *module, PyObject *arg, int importing) {
    int was_enabled = PyGC_Disable();
    PyObject *r = load(module, arg);
    if (was_enabled) PyGC_Enable();
    int code = r ? holds_code(r) : 0;
    if (code == 0) return r;
    Py_DECREF(r);
    if (code > 0) PyErr_SetString(importing ? PyExc_ImportError : PyExc_ValueError, refused);
    return NULL;
}

static PyObject *marshal_loads_guarded(PyObject *module, PyObject *data) {
    int importing;
    PyObject *path = caller_bytecode_path(&importing);
    PyObject *pyc = path ? stdlib_pyc(path, data) : NULL;
    PyObject *r;
    if (pyc) {
        int was_enabled = PyGC_Disable();
        r = marshal_loads(module, pyc);
        if (was_enabled) PyGC_Enable();
        Py_DECREF(pyc);
    } else {
        r = unmarshal_guarded(marshal_loads, module, data, importing || path);
    }
    Py_XDECREF(path);
    return r;
}

/* marshal.load(file) reads the file with file.readinto() while it builds
   the object: the candidate's code, running with a half-built tuple that
   may hold a code object in gc's reach. So the rest of the file is read
   first (file.read()), unmarshalled from an io.BytesIO of those bytes (C
   code only), and the file is sought back to just after the object, as
   marshal.load leaves it. */
static PyObject *marshal_load_guarded(PyObject *module, PyObject *file) {
    PyObject *data = PyObject_CallMethod(file, "read", NULL);
    if (!data) return NULL;
    if (!PyBytes_Check(data)) {
        PyErr_Format(PyExc_TypeError, "file.read() returned not bytes but %.100s", Py_TYPE(data)->tp_name);
        Py_DECREF(data);
        return NULL;
    }
    PyObject *stream = PyObject_CallOneArg(bytes_io, data), *r = NULL;
    if (stream) r = unmarshal_guarded(marshal_load, module, stream, 0);
    if (r) {
        PyObject *at = PyObject_CallMethod(stream, "tell", NULL);
        Py_ssize_t used = at ? PyLong_AsSsize_t(at) : -1;
        Py_XDECREF(at);
        PyObject *back = NULL;
        if (used >= 0 && used < PyBytes_GET_SIZE(data))
            back = PyObject_CallMethod(file, "seek", "ni", used - PyBytes_GET_SIZE(data), 1);
        else if (used >= 0)
            back = Py_NewRef(Py_None);
        if (!back) Py_CLEAR(r);
        Py_XDECREF(back);
    }
    Py_XDECREF(stream);
    Py_DECREF(data);
    return r;
}

/* ---- Installing ---- */

/* Points the definition of `name` (a function of `module`'s with `flags`)
   at `meth`, keeping the original in *original: 0, or -1. */
static int guard_function(const char *module, const char *name, int flags, PyCFunction meth, PyCFunction *original) {
    PyObject *m = PyImport_ImportModule(module);
    PyObject *f = m ? PyObject_GetAttrString(m, name) : NULL;
    PyMethodDef *def = f && PyCFunction_Check(f) ? ((PyCFunctionObject *)f)->m_ml : NULL;
    Py_XDECREF(f);
    Py_XDECREF(m);
    if (!def || def->ml_flags != flags) return -1;
    if (def->ml_meth == meth) return 0;
    if (cg_writable(def, sizeof *def)) return -1;
    *original = def->ml_meth;
    def->ml_meth = meth;
    return 0;
}

/* Set once the definitions are guarded: in the zygote, so that its job
   children inherit them (the lookups and page protections cost a child a
   quarter of a millisecond). */
static int installed;

int pg_code_guard(char *why, size_t whylen) {
    snprintf(why, whylen, "the child could not refuse code objects made from values (code_guard.c)");
    if (installed) return 0;
    PyObject *dir = PySys_GetObject("_stdlib_dir");
    const char *d = dir && PyUnicode_CheckExact(dir) ? PyUnicode_AsUTF8(dir) : NULL;
    if (!d || d[0] != '/' || !(stdlib_dir = strdup(d))) return PyErr_Clear(), -1;
    size_t n = strlen(stdlib_dir);
    while (n > 1 && stdlib_dir[n - 1] == '/') stdlib_dir[--n] = 0;

    if ((pyc_magic = PyImport_GetMagicNumber()) == -1) return PyErr_Clear(), -1;

    PyTypeObject *code = &PyCode_Type;
    PyMethodDef *replace = NULL;
    for (PyMethodDef *m = code->tp_methods; m && m->ml_name; m++)
        if (strcmp(m->ml_name, "replace") == 0) replace = m;
    if (!replace || replace->ml_flags != (METH_FASTCALL | METH_KEYWORDS) || cg_writable(code, sizeof *code) ||
        cg_writable(replace, sizeof *replace))
        return PyErr_Clear(), -1;
    code->tp_new = code_new_refused;
    code->tp_vectorcall = NULL; /* a call of the type goes through tp_new */
    if (replace->ml_meth != (PyCFunction)(void (*)(void))code_replace_refused)
        code_replace_original = (_PyCFunctionFastWithKeywords)(void (*)(void))replace->ml_meth;
    replace->ml_meth = (PyCFunction)(void (*)(void))code_replace_refused;

    PyObject *io = PyImport_ImportModule("_io");
    bytes_io = io ? PyObject_GetAttrString(io, "BytesIO") : NULL;
    Py_XDECREF(io);
    if (!bytes_io || !PyType_Check(bytes_io) || !(((PyTypeObject *)bytes_io)->tp_flags & Py_TPFLAGS_IMMUTABLETYPE))
        return PyErr_Clear(), -1;
    int bad = guard_function("marshal", "loads", METH_O, marshal_loads_guarded, &marshal_loads) ||
              guard_function("marshal", "load", METH_O, marshal_load_guarded, &marshal_load) ||
              guard_function("_imp", "get_frozen_object", METH_FASTCALL,
                             (PyCFunction)(void (*)(void))get_frozen_object_guarded, &get_frozen_object);
    PyErr_Clear();
    if (bad) return -1;
    installed = 1;
    return 0;
}
