// Slicing with a step at run time, however the code that does it was made:
// a rule with forbid_slice_step is broken by any subscript (read, write or
// delete) of a builtin sequence (str, list, tuple, bytes, bytearray, range,
// memoryview, array.array, and their subclasses) with a slice whose step
// is not None. The walker sees `s[::-1]` in source and in text compiled at
// run time, and slice() with a step is hooked (rules_hooks.c); but a code
// object made from bytes (marshal.loads, types.CodeType, code.replace)
// was never walked, and its BUILD_SLICE makes the slice without calling
// anything. Every subscript of such a sequence reaches its type's
// mp_subscript / mp_ass_subscript, or the type's __getitem__,
// __setitem__, __delitem__ (wrapper descriptors, and list's own
// __getitem__ method, which call the function they were made with, not
// the slot): those are hooked, in the worker, inert until a job child
// activates a plan with such a rule. Subclasses that exist by then hold
// a copy of the slot and are hooked too; those made later copy the hook.
#include "rules_internal.h"

#include "structmember.h"

#define MAX_SEQUENCES 8

typedef struct {
    PyTypeObject *type;
    binaryfunc get; /* the originals */
    objobjargproc set;
} hooked_sequence;
static hooked_sequence sequences[MAX_SEQUENCES];
static int nsequences;

/* The hot path of every such subscript: a load and a branch while no plan
   with a slice rule is active. */
static inline void subscripted(PyObject *key) {
    const plan *p = pg_rt.active;
    // Not the standard library's own slicing (re compiles a character class
    // with `[::-1]`): a fair candidate's `re.sub` is no violation. What a
    // candidate hands the library is its own doing, and reaches it only
    // through `slice()` (hooked) or syntax (the walker's).
    if (p && p->slice_rules && PySlice_Check(key) && ((PySliceObject *)key)->step != Py_None && !pg_library_running())
        pg_hit(p->slice_rules);
}

#define SEQUENCE(i)                                                                                                    \
    static PyObject *get_##i(PyObject *o, PyObject *key) {                                                             \
        subscripted(key);                                                                                              \
        return sequences[i].get(o, key);                                                                               \
    }                                                                                                                  \
    static int set_##i(PyObject *o, PyObject *key, PyObject *value) {                                                  \
        subscripted(key);                                                                                              \
        return sequences[i].set(o, key, value);                                                                        \
    }
SEQUENCE(0) SEQUENCE(1) SEQUENCE(2) SEQUENCE(3) SEQUENCE(4) SEQUENCE(5) SEQUENCE(6) SEQUENCE(7)
static const binaryfunc gets[MAX_SEQUENCES] = {get_0, get_1, get_2, get_3, get_4, get_5, get_6, get_7};
static const objobjargproc sets[MAX_SEQUENCES] = {set_0, set_1, set_2, set_3, set_4, set_5, set_6, set_7};

/* The slots of `t`'s mapping methods that still hold sequence i's
   originals, hooked; then its subclasses', recursively. */
static int hook_slots(PyTypeObject *t, int i) {
    PyMappingMethods *m = t->tp_as_mapping;
    if (m && (m->mp_subscript == sequences[i].get || (sequences[i].set && m->mp_ass_subscript == sequences[i].set))) {
        if (pg_writable(m, sizeof *m)) return -1;
        if (m->mp_subscript == sequences[i].get) m->mp_subscript = gets[i];
        if (sequences[i].set && m->mp_ass_subscript == sequences[i].set) m->mp_ass_subscript = sets[i];
    }
    PyObject *subclasses = PyObject_CallMethod((PyObject *)t, "__subclasses__", NULL);
    if (!subclasses) return -1;
    int bad = 0;
    for (Py_ssize_t j = 0; !bad && j < PyList_GET_SIZE(subclasses); j++)
        bad = hook_slots((PyTypeObject *)PyList_GET_ITEM(subclasses, j), i);
    Py_DECREF(subclasses);
    return bad;
}

/* `t`'s own __getitem__, __setitem__ and __delitem__, where they call
   sequence i's originals. */
static int hook_descriptors(PyTypeObject *t, int i) {
    static const char *names[] = {"__getitem__", "__setitem__", "__delitem__"};
    for (int n = 0; n < 3; n++) {
        void *original = n == 0 ? (void *)sequences[i].get : (void *)sequences[i].set;
        void *hook = n == 0 ? (void *)gets[i] : (void *)sets[i];
        PyObject *d = t->tp_dict ? PyDict_GetItemString(t->tp_dict, names[n]) : NULL;
        if (!d || !original) continue;
        if (Py_IS_TYPE(d, &PyWrapperDescr_Type) && ((PyWrapperDescrObject *)d)->d_wrapped == original) {
            ((PyWrapperDescrObject *)d)->d_wrapped = hook;
        } else if (Py_IS_TYPE(d, &PyMethodDescr_Type)) {
            PyMethodDef *def = ((PyMethodDescrObject *)d)->d_method;
            if ((void *)def->ml_meth != original || (def->ml_flags & ~METH_COEXIST) != METH_O) continue;
            if (pg_writable(def, sizeof *def)) return -1;
            def->ml_meth = (PyCFunction)(void (*)(void))hook;
        }
    }
    return 0;
}

static int hook_sequence(PyTypeObject *t) {
    for (int i = 0; i < nsequences; i++)
        if (sequences[i].type == t) return 0;
    PyMappingMethods *m = t->tp_as_mapping;
    if (nsequences == MAX_SEQUENCES || !m || !m->mp_subscript) return -1;
    int i = nsequences++;
    sequences[i] = (hooked_sequence){t, m->mp_subscript, m->mp_ass_subscript};
    return hook_descriptors(t, i) || hook_slots(t, i) ? -1 : 0;
}

/* ---- Modules made again ----
   `del sys.modules["array"]; import array` runs the module's code again
   (array is built in, or its library is loaded already: nothing new is
   mapped), and a module of multi-phase init makes its types anew, with
   the original slots. _imp's create_builtin, exec_builtin,
   create_dynamic and exec_dynamic, through their definitions, hook the
   types of what they make like the ones above. */

static PyCFunction imp_originals[4];

static void hook_module_types(PyObject *module) {
    PyObject *dict = module && PyModule_Check(module) ? PyModule_GetDict(module) : NULL;
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (dict && PyDict_Next(dict, &pos, &key, &value))
        for (int i = 0; PyType_Check(value) && i < nsequences; i++)
            if (hook_descriptors((PyTypeObject *)value, i) || hook_slots((PyTypeObject *)value, i)) PyErr_Clear();
}

/* create_builtin(spec), exec_builtin(module), exec_dynamic(module): METH_O. */
#define IMP_O(i)                                                                                                       \
    static PyObject *imp_o_##i(PyObject *self, PyObject *arg) {                                                        \
        PyObject *r = imp_originals[i](self, arg);                                                                     \
        if (r) hook_module_types(i == 0 ? r : arg);                                                                    \
        return r;                                                                                                      \
    }
IMP_O(0) IMP_O(1) IMP_O(3)

/* create_dynamic(spec, file=None): METH_FASTCALL. */
static PyObject *imp_fast_2(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    PyObject *module = ((_PyCFunctionFast)(void (*)(void))imp_originals[2])(self, args, nargs);
    if (module) hook_module_types(module);
    return module;
}

static int hook_imp(void) {
    static const char *names[4] = {"create_builtin", "exec_builtin", "create_dynamic", "exec_dynamic"};
    static const int flags[4] = {METH_O, METH_O, METH_FASTCALL, METH_O};
    const PyCFunction hooks[4] = {imp_o_0, imp_o_1, (PyCFunction)(void (*)(void))imp_fast_2, imp_o_3};
    if (imp_originals[0]) return 0;
    PyObject *imp = PyImport_ImportModule("_imp");
    PyMethodDef *defs[4] = {0};
    for (int i = 0; imp && i < 4; i++) {
        PyObject *f = PyObject_GetAttrString(imp, names[i]);
        if (f && PyCFunction_Check(f) && ((PyCFunctionObject *)f)->m_ml->ml_flags == flags[i])
            defs[i] = ((PyCFunctionObject *)f)->m_ml;
        Py_XDECREF(f);
    }
    Py_XDECREF(imp);
    for (int i = 0; i < 4; i++)
        if (!defs[i] || pg_writable(defs[i], sizeof *defs[i])) return -1;
    for (int i = 0; i < 4; i++) {
        imp_originals[i] = defs[i]->ml_meth;
        defs[i]->ml_meth = hooks[i];
    }
    return 0;
}

int pg_hook_subscripts(void) {
    PyTypeObject *builtin[] = {&PyUnicode_Type,   &PyList_Type,  &PyTuple_Type,     &PyBytes_Type,
                               &PyByteArray_Type, &PyRange_Type, &PyMemoryView_Type};
    for (size_t i = 0; i < sizeof builtin / sizeof *builtin; i++)
        if (hook_sequence(builtin[i])) return -1;
    // array.array, where the worker imported it (Harness.PREIMPORT).
    PyObject *name = PyUnicode_FromString("array");
    PyObject *module = name ? PyImport_GetModule(name) : NULL;
    Py_XDECREF(name);
    PyObject *array = module ? PyObject_GetAttrString(module, "array") : NULL;
    int bad = array && PyType_Check(array) && hook_sequence((PyTypeObject *)array);
    Py_XDECREF(array);
    Py_XDECREF(module);
    PyErr_Clear();
    return bad || hook_imp() ? -1 : 0;
}
