// The static rules' walker: it records, per scope, what each binds,
// declares global or nonlocal and reads (rules_scopes.c resolves the
// reads), and the rules each node breaks otherwise (rules_plan.c).
#include "rules_internal.h"

static int new_scope(walk *w, int parent, int kind) {
    if (grow((void **)&w->scopes, &w->capscopes, w->nscopes + 1, sizeof *w->scopes)) {
        w->failed = 1;
        return 0;
    }
    w->scopes[w->nscopes] = (scope){parent, kind, 0, 0, 0};
    return (int)w->nscopes++;
}

static void push(walk *w, PyObject *node, int s) {
    if (!node || !PyObject_TypeCheck(node, pg_node_types[NODE_AST])) return;
    if (grow((void **)&w->stack, &w->capstack, w->top + 1, sizeof *w->stack)) {
        w->failed = 1;
        return;
    }
    Py_INCREF(node);
    w->stack[w->top++] = (item){node, s};
}

/* A field that holds a node or a list of nodes. */
static void push_field(walk *w, PyObject *value, int s) {
    if (value && PyList_Check(value)) {
        for (Py_ssize_t j = PyList_GET_SIZE(value) - 1; j >= 0; j--) push(w, PyList_GET_ITEM(value, j), s);
    } else {
        push(w, value, s);
    }
}

static void bind(walk *w, int s, PyObject *name) {
    int k = pg_name_number(w->plan, name);
    if (k >= 0) w->scopes[s].bound |= 1ull << k;
}

/* The name an import binds: `import a.b` binds a, `import a.b as c` c. */
static void bind_alias(walk *w, int s, PyObject *alias, int from) {
    if (!PyObject_TypeCheck(alias, pg_node_types[NODE_AST])) return;
    PyObject *d = PyObject_GenericGetDict(alias, NULL);
    PyObject *as = field(d, KEY_ASNAME), *name = field(d, KEY_NAME);
    if (as && as != Py_None) {
        bind(w, s, as);
    } else if (name) {
        PyObject *top = from ? (Py_INCREF(name), name) : dotted_part(name, 1);
        bind(w, s, top);
        Py_XDECREF(top);
    }
    Py_XDECREF(d);
    PyErr_Clear();
}

static void bind_arg(walk *w, int s, PyObject *arg, int outer) {
    if (!arg || !PyObject_TypeCheck(arg, pg_node_types[NODE_AST])) return;
    PyObject *d = PyObject_GenericGetDict(arg, NULL);
    bind(w, s, field(d, KEY_ARG));
    push(w, field(d, KEY_ANNOTATION), outer);
    Py_XDECREF(d);
    PyErr_Clear();
}

/* Every child node in the node's scope. */
static void push_children(walk *w, PyObject *d, int s) {
    Py_ssize_t pos = 0;
    PyObject *key, *value;
    while (!w->failed && PyDict_Next(d, &pos, &key, &value)) push_field(w, value, s);
}

static void visit(walk *w, PyObject *rules, PyObject *node, PyObject *d, int s, long *first) {
    int kind = kind_of(node);
    if (kind == NODE_NAME || kind == NODE_ATTRIBUTE || kind == NODE_CONSTANT || kind == NODE_ALIAS ||
        kind == NODE_IMPORT_FROM || kind == NODE_SLICE) {
        PyObject *ln = field(d, KEY_LINENO);
        long line = ln && PyLong_Check(ln) ? PyLong_AsLong(ln) : 0;
        if (line < 1) line = 1;  // a tree built by hand may say 0
        PyErr_Clear();
        for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rules); i++)
            if ((first[i] == 0 || line < first[i]) && pg_breaks(kind, d, PyTuple_GET_ITEM(rules, i), w->plan->slice_rules >> i & 1))
                first[i] = line;
        if (kind == NODE_NAME) {
            // Binding a name is not using the builtin; reading it may be,
            // depending on the scopes (resolved once all are known).
            PyObject *ctx = field(d, KEY_CTX);
            PyObject *id = field(d, KEY_ID);
            if (ctx && (Py_IS_TYPE(ctx, pg_node_types[NODE_STORE]) || Py_IS_TYPE(ctx, pg_node_types[NODE_DEL]))) {
                bind(w, s, id);
            } else {
                int k = pg_name_number(w->plan, id);
                if (k >= 0) {
                    if (grow((void **)&w->uses, &w->capuses, w->nuses + 1, sizeof *w->uses)) {
                        w->failed = 1;
                        return;
                    }
                    w->uses[w->nuses++] = (use){s, k, line};
                }
            }
            return;
        }
    }
    switch (kind) {
    case NODE_FUNCTION:
    case NODE_ASYNC_FUNCTION: {
        // Decorators, defaults and annotations belong to the enclosing scope.
        bind(w, s, field(d, KEY_NAME));
        int f = new_scope(w, s, SCOPE_FUNCTION);
        if (w->failed) return;
        push_field(w, field(d, KEY_DECORATORS), s);
        push_field(w, field(d, KEY_RETURNS), s);
        push(w, field(d, KEY_ARGS), f);
        push_field(w, field(d, KEY_BODY), f);
        return;
    }
    case NODE_LAMBDA: {
        int f = new_scope(w, s, SCOPE_FUNCTION);
        if (w->failed) return;
        push(w, field(d, KEY_ARGS), f);
        push_field(w, field(d, KEY_BODY), f);
        return;
    }
    case NODE_ARGUMENTS: {
        int outer = w->scopes[s].parent >= 0 ? w->scopes[s].parent : s;
        static const int lists[] = {KEY_POSONLYARGS, KEY_ARGS, KEY_KWONLYARGS};
        for (int i = 0; i < 3; i++) {
            PyObject *l = field(d, lists[i]);
            for (Py_ssize_t j = 0; l && PyList_Check(l) && j < PyList_GET_SIZE(l); j++)
                bind_arg(w, s, PyList_GET_ITEM(l, j), outer);
        }
        bind_arg(w, s, field(d, KEY_VARARG), outer);
        bind_arg(w, s, field(d, KEY_KWARG), outer);
        push_field(w, field(d, KEY_DEFAULTS), outer);
        push_field(w, field(d, KEY_KW_DEFAULTS), outer);
        return;
    }
    case NODE_CLASS: {
        bind(w, s, field(d, KEY_NAME));
        int c = new_scope(w, s, SCOPE_CLASS);
        if (w->failed) return;
        push_field(w, field(d, KEY_BASES), s);
        push_field(w, field(d, KEY_KEYWORDS), s);
        push_field(w, field(d, KEY_DECORATORS), s);
        push_field(w, field(d, KEY_BODY), c);
        return;
    }
    case NODE_LIST_COMP:
    case NODE_SET_COMP:
    case NODE_GENERATOR:
    case NODE_DICT_COMP: {
        // Its own scope, but the first iterable is evaluated outside it.
        int c = new_scope(w, s, SCOPE_COMPREHENSION);
        if (w->failed) return;
        push(w, field(d, KEY_ELT), c);
        push(w, field(d, KEY_KEY), c);
        push(w, field(d, KEY_VALUE), c);
        PyObject *gens = field(d, KEY_GENERATORS);
        for (Py_ssize_t j = 0; gens && PyList_Check(gens) && j < PyList_GET_SIZE(gens); j++) {
            PyObject *g = PyList_GET_ITEM(gens, j);
            if (!PyObject_TypeCheck(g, pg_node_types[NODE_AST])) continue;
            PyObject *gd = PyObject_GenericGetDict(g, NULL);
            push(w, field(gd, KEY_TARGET), c);
            push(w, field(gd, KEY_ITER), j == 0 ? s : c);
            push_field(w, field(gd, KEY_IFS), c);
            Py_XDECREF(gd);
            PyErr_Clear();
        }
        return;
    }
    case NODE_IMPORT:
    case NODE_IMPORT_FROM: {
        PyObject *l = field(d, KEY_NAMES);
        for (Py_ssize_t j = 0; l && PyList_Check(l) && j < PyList_GET_SIZE(l); j++)
            bind_alias(w, s, PyList_GET_ITEM(l, j), kind == NODE_IMPORT_FROM);
        break;
    }
    case NODE_EXCEPT:
    case NODE_MATCH_AS:
    case NODE_MATCH_STAR:
        bind(w, s, field(d, KEY_NAME));
        break;
    case NODE_MATCH_MAPPING:
        bind(w, s, field(d, KEY_REST));
        break;
    case NODE_GLOBAL:
    case NODE_NONLOCAL: {
        PyObject *l = field(d, KEY_NAMES);
        for (Py_ssize_t j = 0; l && PyList_Check(l) && j < PyList_GET_SIZE(l); j++) {
            int k = pg_name_number(w->plan, PyList_GET_ITEM(l, j));
            if (k < 0) continue;
            if (kind == NODE_GLOBAL) w->scopes[s].global |= 1ull << k;
            else w->scopes[s].nonlocal |= 1ull << k;
        }
        return;
    }
    case NODE_NAMED_EXPR: {
        // In a comprehension, := binds in the nearest enclosing scope that
        // is not one (and, through the Name it stores, in the comprehension).
        PyObject *t = field(d, KEY_TARGET);
        if (t && Py_IS_TYPE(t, pg_node_types[NODE_NAME])) {
            int e = s;
            while (w->scopes[e].kind == SCOPE_COMPREHENSION && w->scopes[e].parent >= 0) e = w->scopes[e].parent;
            PyObject *td = PyObject_GenericGetDict(t, NULL);
            bind(w, e, field(td, KEY_ID));
            Py_XDECREF(td);
            PyErr_Clear();
        }
        break;
    }
    default:
        break;
    }
    push_children(w, d, s);
}

void pg_walk_collect(walk *w, PyObject *rules, PyObject *tree, long *first) {
    new_scope(w, -1, SCOPE_MODULE);
    push(w, tree, 0);
    while (w->top && !w->failed) {
        item it = w->stack[--w->top];
        PyObject *d = PyObject_GenericGetDict(it.node, NULL);
        if (d && PyDict_Check(d)) visit(w, rules, it.node, d, it.scope, first);
        PyErr_Clear();
        Py_XDECREF(d);
        Py_DECREF(it.node);
    }
    while (w->top) Py_DECREF(w->stack[--w->top].node);
}
