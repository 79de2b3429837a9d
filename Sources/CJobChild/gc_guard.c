// The collector's doors to the frozen objects, shut in every child.
//
// A zygote builds all its exercise's inputs, hidden ones too, and freezes
// them (Harness.prepare: gc.freeze() moves them into the collector's
// permanent generation, so that a collection in a job child does not walk
// and copy them). A job child runs one test at a time, but holds the
// inputs of every test of its exercise: with gc.unfreeze() and
// gc.get_objects() the first test could read the last one's input and
// spend its own spare CPU on the last one's answer, or carry it out.
// Frozen objects are out of every other door of the collector's
// (get_objects, with or without a generation, get_referrers, collect and
// freeze walk generations 0 to 2 only): so gc.unfreeze() is a no-op here,
// and gc.get_freeze_count() says 0 (the number of objects frozen is a
// figure of the inputs). Done on their method definitions, like the
// run-time rules' hooks (rules_hooks.c): the function objects stay what
// they were, a fresh import of gc gets the same definitions, and nothing
// Python can reach undoes it.
#include "child_common.h"

static PyObject *unfreeze_refused(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    Py_RETURN_NONE;
}

static PyObject *freeze_count_hidden(PyObject *module, PyObject *unused) {
    (void)module;
    (void)unused;
    return PyLong_FromLong(0);
}

/* Points gc.<name>'s definition (METH_NOARGS) at `meth`: 0, or -1. */
static int replace(PyObject *gc, const char *name, PyCFunction meth) {
    PyObject *f = PyObject_GetAttrString(gc, name);
    if (!f) return -1;
    int ok = PyCFunction_Check(f) && ((PyCFunctionObject *)f)->m_ml->ml_flags == METH_NOARGS;
    PyMethodDef *def = ok ? ((PyCFunctionObject *)f)->m_ml : NULL;
    Py_DECREF(f);
    if (!def) return -1;
    if (def->ml_meth == meth) return 0;
    if (pg_writable(def, sizeof *def)) return -1;
    def->ml_meth = meth;
    return 0;
}

int pg_gc_guard(void) {
    static int installed; /* in the zygote, once: see pg_guards_install */
    if (installed) return 0;
    PyObject *gc = PyImport_ImportModule("gc");
    int bad = !gc || replace(gc, "unfreeze", unfreeze_refused) || replace(gc, "get_freeze_count", freeze_count_hidden);
    Py_XDECREF(gc);
    PyErr_Clear();
    installed = !bad;
    return bad ? -1 : 0;
}
