// A tree a candidate built and gives to compile(), copied into the
// interpreter's own node classes, so that the walker checks and compile()
// compiles the same tree.
#include "rules_internal.h"

/* A candidate's tree, for compile(): see pg_canonical_tree. */
static int real_node(PyObject *o, PyTypeObject **cls) {
    for (PyTypeObject *t = Py_TYPE(o); t; t = t->tp_base)
        for (Py_ssize_t i = 0; i < pg_n_ast_classes; i++)
            if (pg_ast_classes[i] == t) {
                *cls = t;
                return 1;
            }
    return 0;
}

static int plain_leaf(PyObject *v) {
    return v == Py_None || v == Py_Ellipsis || PyUnicode_CheckExact(v) || PyBytes_CheckExact(v) || PyLong_CheckExact(v) ||
           PyBool_Check(v) || PyFloat_CheckExact(v) || PyComplex_CheckExact(v) || PyTuple_CheckExact(v) ||
           PyFrozenSet_CheckExact(v);
}

typedef struct {
    PyObject *from, *to;
} copy_item;

/* A new node of the interpreter's own class for `node`, queued to be filled. */
static PyObject *copy_node(PyObject *node, copy_item **stack, size_t *top, size_t *cap, size_t *count) {
    PyTypeObject *cls;
    if (!real_node(node, &cls)) {
        PyErr_Format(PyExc_TypeError, "compile(): expected an AST node, got %.100s", Py_TYPE(node)->tp_name);
        return NULL;
    }
    if (++*count > 10000000) {
        PyErr_SetString(PyExc_RecursionError, "compile(): the AST is too large (or cyclic)");
        return NULL;
    }
    if (grow((void **)stack, cap, *top + 1, sizeof **stack)) return PyErr_NoMemory();
    PyObject *copy = PyType_GenericNew(cls, NULL, NULL);
    if (!copy) return NULL;
    Py_INCREF(node);
    Py_INCREF(copy);
    (*stack)[(*top)++] = (copy_item){node, copy};
    return copy;
}

/* A tree a candidate built and gives to compile(), copied: nodes of the
   interpreter's own AST classes (a subclass's node, or an object that only
   claims to be a node through __class__, could answer compile() otherwise
   than it answers the walker), each field in the class's _fields and
   _attributes read once from the node's __dict__, lists rebuilt, leaves of
   exact builtin types. The walker checks the copy and compile() compiles
   the copy: the same tree. */
PyObject *pg_canonical_tree(PyObject *tree) {
    copy_item *stack = NULL;
    size_t top = 0, cap = 0, count = 0;
    PyObject *root = copy_node(tree, &stack, &top, &cap, &count);
    int failed = root == NULL;
    while (top) {
        copy_item it = stack[--top];
        if (!failed) {
            PyObject *from = PyObject_GenericGetDict(it.from, NULL), *to = PyObject_GenericGetDict(it.to, NULL);
            if (!from) PyErr_Clear();
            if (!to) failed = 1;
            // The node's own fields, named in its class's _fields or
            // _attributes (on a base class: stmt, expr), which compile()
            // reads. The dictionary is walked, not searched: a key of a str
            // subclass could run an __eq__ of the candidate's in a lookup.
            PyObject *known[2] = {_PyType_Lookup(Py_TYPE(it.to), pg_keys[KEY_FIELDS]),
                                  _PyType_Lookup(Py_TYPE(it.to), pg_keys[KEY_ATTRIBUTES])};
            Py_ssize_t pos = 0;
            PyObject *name, *v;
            while (!failed && from && PyDict_Next(from, &pos, &name, &v)) {
                int wanted = 0;
                for (int f = 0; f < 2 && !wanted && PyUnicode_CheckExact(name); f++)
                    for (Py_ssize_t j = 0; known[f] && PyTuple_CheckExact(known[f]) && j < PyTuple_GET_SIZE(known[f]) && !wanted; j++)
                        wanted = PyUnicode_Compare(PyTuple_GET_ITEM(known[f], j), name) == 0;
                if (!wanted) continue;
                PyObject *c = NULL;
                if (plain_leaf(v)) {
                    Py_INCREF(v);
                    c = v;
                } else if (PyList_CheckExact(v)) {
                    Py_ssize_t n = PyList_GET_SIZE(v);
                    c = PyList_New(n);
                    for (Py_ssize_t k = 0; c && k < n; k++) {
                        PyObject *e = PyList_GET_ITEM(v, k);
                        PyObject *ec = plain_leaf(e) ? (Py_INCREF(e), e) : copy_node(e, &stack, &top, &cap, &count);
                        if (!ec) Py_CLEAR(c);
                        else PyList_SET_ITEM(c, k, ec);
                    }
                } else {
                    c = copy_node(v, &stack, &top, &cap, &count);
                }
                if (!c || PyDict_SetItem(to, name, c)) failed = 1;
                Py_XDECREF(c);
            }
            if (PyErr_Occurred()) failed = 1;
            Py_XDECREF(from);
            Py_XDECREF(to);
        }
        Py_DECREF(it.from);
        Py_DECREF(it.to);
    }
    free(stack);
    if (failed) Py_CLEAR(root);
    return root;
}
