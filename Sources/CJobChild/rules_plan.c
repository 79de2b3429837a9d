// A rule set's plan: its forbidden names numbered, with the rules each
// breaks where it means the builtin, made once in the worker and read by
// the job children; and the rules a node breaks other than by naming a
// builtin (attributes, spelled strings, imports, slicing with a step).
#include "rules_internal.h"

static plan *plans;


static int number_name(plan *p, PyObject *name, int rule) {
    PyObject *k = PyDict_GetItemWithError(p->number, name);
    Py_ssize_t n = k ? PyLong_AsSsize_t(k) : PyDict_Size(p->number);
    if (n >= MAX_BITS) {
        PyErr_SetString(PyExc_RuntimeError, "rules: at most 64 forbidden names");
        return -1;
    }
    if (!k) {
        PyObject *v = PyLong_FromSsize_t(n);
        int bad = !v || PyDict_SetItem(p->number, name, v);
        Py_XDECREF(v);
        if (bad) return -1;
    }
    p->breaks[n] |= 1ull << rule;
    return 0;
}

/* The plan of a rule set: found, or made now (its names; hooks apart). */
plan *pg_plan_for(PyObject *rules) {
    for (plan *p = plans; p; p = p->next)
        if (p->rules == rules) return p;
    if (!pg_node_types[NODE_AST]) {
        PyErr_SetString(PyExc_RuntimeError, "rules are not set up");
        return NULL;
    }
    if (!PyTuple_Check(rules) || PyTuple_GET_SIZE(rules) > MAX_BITS) {
        PyErr_SetString(PyExc_RuntimeError, "rules: at most 64 rules, as a tuple");
        return NULL;
    }
    plan *p = calloc(1, sizeof *p);
    PyObject *slice = PyUnicode_InternFromString("slice");
    int failed = !p || !slice || !(p->number = PyDict_New());
    for (Py_ssize_t i = 0; !failed && i < PyTuple_GET_SIZE(rules); i++) {
        PyObject *rule = PyTuple_GET_ITEM(rules, i), *name;
        if (!PyTuple_Check(rule) || PyTuple_GET_SIZE(rule) != RULE_FIELDS) {
            PyErr_SetString(PyExc_RuntimeError, "rules: a rule is not a tuple of 7");
            failed = 1;
            break;
        }
        Py_ssize_t pos = 0;
        while (!failed && next_in_set(PyTuple_GET_ITEM(rule, RULE_NAMES), &pos, &name))
            failed = PyUnicode_CheckExact(name) && number_name(p, name, (int)i);
        // Slicing with a step can also be spelled with the builtin slice().
        if (!failed && PyObject_IsTrue(PyTuple_GET_ITEM(rule, RULE_SLICE_STEP)) == 1) {
            p->slice_rules |= 1ull << i;
            failed = number_name(p, slice, (int)i);
        }
    }
    Py_XDECREF(slice);
    if (failed) {
        if (p) Py_XDECREF(p->number);
        free(p);
        if (!PyErr_Occurred()) PyErr_NoMemory();
        return NULL;
    }
    Py_INCREF(rules);
    p->rules = rules;
    p->next = plans;
    plans = p;
    return p;
}

/* The number of a forbidden name, or -1. */
int pg_name_number(const plan *p, PyObject *name) {
    if (!name || !PyUnicode_CheckExact(name)) return -1;
    PyObject *k = PyDict_GetItemWithError(p->number, name);
    if (!k) PyErr_Clear();
    return k ? (int)PyLong_AsLong(k) : -1;
}

/* Does node `d` (of kind `kind`) break `rule` other than by naming a
   forbidden builtin (which depends on scopes)? */
int pg_breaks(int kind, PyObject *d, PyObject *rule, int slice_step) {
    PyObject *names_ = PyTuple_GET_ITEM(rule, RULE_NAMES), *attributes = PyTuple_GET_ITEM(rule, RULE_ATTRIBUTES);
    switch (kind) {
    case NODE_ATTRIBUTE: {
        PyObject *attr = field(d, KEY_ATTR);
        return in(attributes, attr) || in(names_, attr);
    }
    case NODE_CONSTANT:
        // getattr(s, "__reversed__"), vars(builtins)["reversed"]
        return in(PyTuple_GET_ITEM(rule, RULE_SPELLED), field(d, KEY_VALUE));
    case NODE_ALIAS: {
        PyObject *name = field(d, KEY_NAME);
        PyObject *last = dotted_part(name, 0), *top = dotted_part(name, 1);
        int bad = in(names_, last) || in(PyTuple_GET_ITEM(rule, RULE_MODULES), top);
        Py_XDECREF(last);
        Py_XDECREF(top);
        PyErr_Clear();
        return bad;
    }
    case NODE_IMPORT_FROM: {
        PyObject *top = dotted_part(field(d, KEY_MODULE), 1);
        int bad = in(PyTuple_GET_ITEM(rule, RULE_MODULES), top);
        Py_XDECREF(top);
        PyErr_Clear();
        return bad;
    }
    case NODE_SLICE: {
        PyObject *step = field(d, KEY_STEP);
        return slice_step && step && step != Py_None;
    }
    default:
        return 0;
    }
}
