// A plan's hooks put in (pg_rules_prepare, in the worker) and activated
// in a job child (pg_rules_runtime_install).
#include "rules_internal.h"

static int add_spelled(plan *p, PyObject *s, int rule) {
    if (!PyUnicode_CheckExact(s)) return 0;
    for (int i = 0; i < p->nspelled; i++)
        if (PyUnicode_Compare(p->spelled[i], s) == 0) {
            p->spelled_rules[i] |= 1ull << rule;
            return 0;
        }
    if (p->nspelled == MAX_BITS) return -1;
    p->spelled[p->nspelled] = s;
    p->spelled_rules[p->nspelled++] = 1ull << rule;
    return 0;
}

static PyMethodDef *builtin_def(const char *name) {
    PyObject *f = PyDict_GetItemString(PyEval_GetBuiltins(), name);
    return f && PyCFunction_Check(f) ? ((PyCFunctionObject *)f)->m_ml : NULL;
}

/* Hooks what a plan needs (what is hooked for another plan stays), and
   sets the plan's rules per hook slot. */
static int hook_plan(plan *p) {
    if (p->hooked) return 0;
    static const struct {
        const char *name;
        int special, flags;
    } specials[] = {{"compile", COMPILE, METH_FASTCALL | METH_KEYWORDS},
                    {"eval", EVAL, METH_FASTCALL},
                    {"exec", EXEC, METH_FASTCALL | METH_KEYWORDS},
                    {"getattr", GETATTR, METH_FASTCALL}};
    for (int i = 0; i < 4; i++) {
        PyMethodDef *def = builtin_def(specials[i].name);
        if (!def || def->ml_flags != specials[i].flags || pg_hook_method(def, specials[i].special) < 0) goto unexpected;
    }
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(p->rules); r++) {
        PyObject *rule = PyTuple_GET_ITEM(p->rules, r), *s;
        uint64_t bit = 1ull << r;
        Py_ssize_t pos = 0;
        while (next_in_set(PyTuple_GET_ITEM(rule, RULE_SPELLED), &pos, &s))
            if (add_spelled(p, s, (int)r)) goto unexpected;
        if (p->slice_rules & bit) {
            int slot = pg_hook_type(&PySlice_Type);
            if (slot < 0 || pg_hook_subscripts()) goto unexpected;
            p->type_step_rules[slot] |= bit;
        }
        // What Harness.rule_sets found for the rule's names and attributes:
        // builtins (types or C functions) and methods of builtin types.
        PyObject *targets = PyTuple_GET_ITEM(rule, RULE_TARGETS);
        for (Py_ssize_t j = 0; PyTuple_Check(targets) && j < PyTuple_GET_SIZE(targets); j++) {
            PyObject *t = PyTuple_GET_ITEM(targets, j);
            int slot;
            if (PyType_Check(t) && !(((PyTypeObject *)t)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
                if ((slot = pg_hook_type((PyTypeObject *)t)) < 0) goto unexpected;
                p->type_rules[slot] |= bit;
            } else if (PyCFunction_Check(t) || Py_IS_TYPE(t, &PyMethodDescr_Type) || Py_IS_TYPE(t, &PyClassMethodDescr_Type)) {
                PyMethodDef *def = PyCFunction_Check(t) ? ((PyCFunctionObject *)t)->m_ml : ((PyMethodDescrObject *)t)->d_method;
                if ((slot = pg_hook_method(def, PLAIN)) < 0) goto unexpected;
                p->method_rules[slot] |= bit;
            }
        }
    }
    p->hooked = 1;
    return 0;
unexpected:
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, "run-time rules: a builtin is not what they expect, or too many to hook");
    return -1;
}

int pg_rules_prepare(PyObject *rules) {
    plan *p = pg_plan_for(rules);
    if (!p || hook_plan(p)) return -1;
    pg_snapshot_ast_classes();
    return 0;
}

int pg_rules_runtime_install(PyObject *rules, pg_rule_hit_fn on_hit, void *ctx) {
    if (pg_rt.active) {
        PyErr_SetString(PyExc_RuntimeError, "run-time rules are already installed");
        return -1;
    }
    // Made in the worker already, normally: then nothing is written here
    // but the three fields below.
    plan *p = pg_plan_for(rules);
    if (!p || hook_plan(p)) return -1;
    if (!pg_ast_snapshot) pg_snapshot_ast_classes();
    pg_rt.on_hit = on_hit;
    pg_rt.ctx = ctx;
    pg_rt.reported = 0;
    pg_rt.active = p;
    return pg_frames_install(p);
}
