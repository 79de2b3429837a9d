// Resolving the forbidden names the walker saw read, as CPython's symtable
// resolves them, and the static entry point: pg_rule_hits, the rules a
// submission's AST breaks with the first line of each.
#include "rules_internal.h"

/* Does a forbidden name read in scope `s` mean the builtin? As symtable
   resolves it: bound (or declared nonlocal) in its own scope or in an
   enclosing function (class scopes do not enclose) it is not; declared
   global, or free all the way up, it is unless the module binds it. */
static int is_builtin(const walk *w, int s, int k, uint64_t module_binds) {
    uint64_t bit = 1ull << k;
    const scope *sc = w->scopes;
    if (s == 0) return !(module_binds & bit);
    if (sc[s].global & bit) return !(module_binds & bit);
    if ((sc[s].bound | sc[s].nonlocal) & bit) return 0;
    for (int p = sc[s].parent; p > 0; p = sc[p].parent) {
        if (sc[p].kind == SCOPE_CLASS) continue;
        if (sc[p].global & bit) return !(module_binds & bit);
        if ((sc[p].bound | sc[p].nonlocal) & bit) return 0;
    }
    return !(module_binds & bit);
}

/* The first line (0: none) at which `tree` breaks each rule, into `first`. */
int pg_check_tree(PyObject *rules, PyObject *tree, long *first) {
    const plan *p = pg_plan_for(rules);
    if (!p) return -1;
    walk w = {0};
    w.plan = p;
    pg_walk_collect(&w, rules, tree, first);
    if (!w.failed) {
        // A function that declares a name global and binds it binds it
        // in the module.
        uint64_t module_binds = w.scopes[0].bound;
        for (size_t i = 1; i < w.nscopes; i++) module_binds |= w.scopes[i].global & w.scopes[i].bound;
        for (size_t i = 0; i < w.nuses; i++) {
            use u = w.uses[i];
            if (!is_builtin(&w, u.scope, u.name, module_binds)) continue;
            for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(rules); r++)
                if ((p->breaks[u.name] >> r & 1) && (first[r] == 0 || u.line < first[r])) first[r] = u.line;
        }
    }
    free(w.scopes);
    free(w.stack);
    free(w.uses);
    if (w.failed) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

PyObject *pg_rule_hits(PyObject *rules, PyObject *tree) {
    if (!PyTuple_Check(rules)) {
        PyErr_SetString(PyExc_RuntimeError, "rules are not a tuple");
        return NULL;
    }
    Py_ssize_t nrules = PyTuple_GET_SIZE(rules);
    long *first = calloc((size_t)nrules + 1, sizeof *first);
    if (!first) return PyErr_NoMemory();
    PyObject *hits = pg_check_tree(rules, tree, first) ? NULL : PyList_New(0);
    for (Py_ssize_t i = 0; hits && i < nrules; i++) {
        if (!first[i]) continue;
        PyObject *hit = Py_BuildValue("(Ol)", PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, i), RULE_ID), first[i]);
        if (!hit || PyList_Append(hits, hit)) Py_CLEAR(hits);
        Py_XDECREF(hit);
    }
    free(first);
    return hits;
}
