// The run-time hooks' mechanism: a forbidden builtin type hooked through
// its tp_new and tp_vectorcall, a builtin function or method through its
// PyMethodDef, each passing calls on until a job child activates a plan.
// (rules_internal.h says why hooks, and which.)
#include "rules_internal.h"

#include <sys/mman.h>
#include <unistd.h>

pg_runtime_state pg_rt;

/* Reports each rule once. */
void pg_hit(uint64_t rules) {
    if (!pg_rt.active) return;
    rules &= ~pg_rt.reported;
    if (!rules) return;
    pg_rt.reported |= rules;
    for (int i = 0; i < MAX_BITS; i++)
        if (rules >> i & 1) pg_rt.on_hit(i, pg_rt.ctx);
}

/* Lets this process write the page(s) under [p, p + n): the definitions
   and types hooked are data, most already writable; a const one sits in
   RELRO memory, made read-only after relocation. Never code. */
int pg_writable(void *p, size_t n) {
    uintptr_t size = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t first = (uintptr_t)p & ~(size - 1), end = ((uintptr_t)p + n + size - 1) & ~(size - 1);
    if (mprotect((void *)first, end - first, PROT_READ | PROT_WRITE) == 0) return 0;
    PyErr_SetFromErrno(PyExc_OSError);
    return -1;
}

/* ---- Hooked types: tp_new and tp_vectorcall ---- */

typedef struct {
    PyTypeObject *type;
    newfunc new_; /* the originals */
    vectorcallfunc vectorcall;
} hooked_type;
static hooked_type types[MAX_TYPES];
static int ntypes;

/* A call of hooked type `i`, with `nargs` positional arguments, the third
   `third`: the active plan's rules for any call, and for a step. */
static void type_called(int i, Py_ssize_t nargs, PyObject *third) {
    if (!pg_rt.active) return;
    pg_hit(pg_rt.active->type_rules[i]);
    if (nargs == 3 && third != Py_None) pg_hit(pg_rt.active->type_step_rules[i]);
}

static PyObject *hooked_new(PyTypeObject *sub, PyObject *args, PyObject *kwargs) {
    // The hooked type itself or a subclass created since (which inherited
    // this slot), found by its bases' layout chain (a metaclass can make up
    // an MRO, not that).
    for (int i = 0; i < ntypes; i++) {
        PyTypeObject *t = sub;
        while (t && t != types[i].type) t = t->tp_base;
        if (!t) continue;
        Py_ssize_t n = PyTuple_Check(args) ? PyTuple_GET_SIZE(args) : 0;
        type_called(i, n, n == 3 ? PyTuple_GET_ITEM(args, 2) : NULL);
        return types[i].new_(sub, args, kwargs);
    }
    PyErr_SetString(PyExc_SystemError, "pygrade: a hooked tp_new without its type");
    return NULL;
}

static PyObject *hooked_vectorcall(PyObject *callable, PyObject *const *args, size_t nargsf, PyObject *kwnames) {
    for (int i = 0; i < ntypes; i++) {
        if ((PyObject *)types[i].type != callable) continue;
        Py_ssize_t n = PyVectorcall_NARGS(nargsf);
        type_called(i, n, n == 3 ? args[2] : NULL);
        return types[i].vectorcall(callable, args, nargsf, kwnames);
    }
    PyErr_SetString(PyExc_SystemError, "pygrade: a hooked tp_vectorcall without its type");
    return NULL;
}

/* The hook slot of a static type, hooked now if it was not: -1 if it cannot be. */
int pg_hook_type(PyTypeObject *t) {
    for (int i = 0; i < ntypes; i++)
        if (types[i].type == t) return i;
    if (ntypes == MAX_TYPES || !t->tp_new || (t->tp_flags & Py_TPFLAGS_HEAPTYPE) || pg_writable(t, sizeof *t)) return -1;
    types[ntypes] = (hooked_type){t, t->tp_new, t->tp_vectorcall};
    t->tp_new = hooked_new;
    if (t->tp_vectorcall) t->tp_vectorcall = hooked_vectorcall;
    return ntypes++;
}

/* ---- Hooked C functions and methods: their PyMethodDef ---- */

hooked_method pg_methods[MAX_METHODS];
static int nmethods;
int pg_special_slot[SPECIALS];


/* One trampoline per hook slot and calling convention: it reports the
   method's rules and calls the original, with the same arguments. */
#define SLOT(i)                                                                                                     \
    static PyObject *noargs_or_o_##i(PyObject *self, PyObject *arg) {                                               \
        method_called(i);                                                                                           \
        return pg_methods[i].meth(self, arg);                                                                          \
    }                                                                                                               \
    static PyObject *varargs_kw_##i(PyObject *self, PyObject *args, PyObject *kwargs) {                             \
        method_called(i);                                                                                           \
        return ((PyCFunctionWithKeywords)(void (*)(void))pg_methods[i].meth)(self, args, kwargs);                      \
    }                                                                                                               \
    static PyObject *fast_##i(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {                            \
        method_called(i);                                                                                           \
        return ((_PyCFunctionFast)(void (*)(void))pg_methods[i].meth)(self, args, nargs);                              \
    }                                                                                                               \
    static PyObject *fast_kw_##i(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {      \
        method_called(i);                                                                                           \
        return ((_PyCFunctionFastWithKeywords)(void (*)(void))pg_methods[i].meth)(self, args, nargs, kwnames);         \
    }                                                                                                               \
    static PyObject *method_##i(PyObject *self, PyTypeObject *cls, PyObject *const *args, size_t nargsf,            \
                                PyObject *kwnames) {                                                                \
        method_called(i);                                                                                           \
        return ((PyCMethod)(void (*)(void))pg_methods[i].meth)(self, cls, args, nargsf, kwnames);                      \
    }
#define SLOTS(X) \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13) X(14) X(15) X(16) X(17) X(18) X(19) \
    X(20) X(21) X(22) X(23) X(24) X(25) X(26) X(27) X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37) X(38) X(39)
SLOTS(SLOT)
#define NOARGS_OR_O(i) noargs_or_o_##i,
#define VARARGS_KW(i) (PyCFunction)(void (*)(void))varargs_kw_##i,
#define FAST(i) (PyCFunction)(void (*)(void))fast_##i,
#define FAST_KW(i) (PyCFunction)(void (*)(void))fast_kw_##i,
#define METHOD(i) (PyCFunction)(void (*)(void))method_##i,
static const PyCFunction trampolines[5][MAX_METHODS] = {
    {SLOTS(NOARGS_OR_O)}, {SLOTS(VARARGS_KW)}, {SLOTS(FAST)}, {SLOTS(FAST_KW)}, {SLOTS(METHOD)}};

/* The trampoline family for a method's calling convention, or -1. */
static int convention(int flags) {
    switch (flags & ~(METH_CLASS | METH_STATIC | METH_COEXIST)) {
    case METH_NOARGS:
    case METH_O:
    case METH_VARARGS: return 0;
    case METH_VARARGS | METH_KEYWORDS: return 1;
    case METH_FASTCALL: return 2;
    case METH_FASTCALL | METH_KEYWORDS: return 3;
    case METH_METHOD | METH_FASTCALL | METH_KEYWORDS: return 4;
    default: return -1;
    }
}


/* The hook slot of a method definition, hooked now if it was not (with its
   special hook for compile, eval, exec, getattr): -1 if it cannot be. */
int pg_hook_method(PyMethodDef *def, int special) {
    for (int i = 0; i < nmethods; i++)
        if (pg_methods[i].def == def) return i;
    int family = convention(def->ml_flags);
    if (nmethods == MAX_METHODS || family < 0 || pg_writable(def, sizeof *def)) return -1;
    PyCFunction hook;
    switch (special) {
    case COMPILE: hook = (PyCFunction)(void (*)(void))pg_compile_hook; break;
    case EVAL: hook = (PyCFunction)(void (*)(void))pg_eval_hook; break;
    case EXEC: hook = (PyCFunction)(void (*)(void))pg_exec_hook; break;
    case GETATTR: hook = (PyCFunction)(void (*)(void))pg_getattr_hook; break;
    default: hook = trampolines[family][nmethods]; break;
    }
    pg_methods[nmethods] = (hooked_method){def, def->ml_meth};
    def->ml_meth = hook;
    if (special) pg_special_slot[special] = nmethods;
    return nmethods++;
}

