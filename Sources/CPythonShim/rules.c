// The static rules of an exercise, checked on the submission's AST in the
// job child before any candidate code runs. In C rather than Python: in a
// freshly forked child the interpreted walk cost as much as a compile.
//
// The AST is made of the interpreter's own node classes (no candidate code
// has run, nothing of the candidate can hook attribute access), walked
// with an explicit stack: a deep tree cannot overflow the C stack.
#include "CPythonShim.h"

#include <stdlib.h>
#include <string.h>

enum { NODE_NAME, NODE_ATTRIBUTE, NODE_CONSTANT, NODE_ALIAS, NODE_IMPORT_FROM, NODE_SLICE, NODE_AST, NODE_KINDS };
static PyObject *node_types[NODE_KINDS];

/* The fields the rules read, as interned strings made once in the worker: a
   lookup per node then allocates nothing. */
enum { KEY_LINENO, KEY_ID, KEY_ATTR, KEY_VALUE, KEY_NAME, KEY_MODULE, KEY_STEP, KEYS };
static const char *const key_names[KEYS] = {"lineno", "id", "attr", "value", "name", "module", "step"};
static PyObject *keys[KEYS];

int pg_rules_init(PyObject *types) {
    if (!PyTuple_Check(types) || PyTuple_GET_SIZE(types) != NODE_KINDS) return -1;
    for (int i = 0; i < NODE_KINDS; i++) {
        node_types[i] = PyTuple_GET_ITEM(types, i);
        Py_INCREF(node_types[i]);
    }
    for (int i = 0; i < KEYS; i++)
        if (!(keys[i] = PyUnicode_InternFromString(key_names[i]))) return -1;
    return 0;
}

/* Source that makes the parser build a node of nearly every kind, with
   every field set. */
static const char warm_source[] =
    "import a.b as c\nfrom .d import e as f, g\n"
    "@dec(1, k=2)\nclass C(B, metaclass=M):\n    x: int = 1\n"
    "    def m(self, a, /, b=2, *c, d, e=3, **f) -> None:\n"
    "        global g\n        nonlocal h\n        'doc'\n        return a[1:2:3], a[::-1], b.c.d(*c, **f)\n"
    "async def h(x):\n    async with x as y, z:\n        await y\n    async for i in x:\n        yield i\n"
    "    yield from x\n"
    "def k(s):\n    out = []\n    i = len(s) - 1\n    while i >= 0 and not s or s is None:\n"
    "        out.append(s[i]); i -= 1\n        if i: continue\n        elif i < 2 <= 3: break\n        else: pass\n"
    "    for a, *b in enumerate(s):\n        out += [a]; out[0] = b\n    else:\n        del out[0]\n"
    "    try:\n        raise ValueError('x') from None\n    except (TypeError, KeyError) as e:\n"
    "        assert e, 'm'\n    else:\n        pass\n    finally:\n        pass\n"
    "    try:\n        pass\n    except* OSError:\n        pass\n"
    "    with open(s) as f: pass\n    lam = lambda x, *, y=1: x if y else -x\n"
    "    return {k: v for k, v in s.items() if k}, {x for x in s}, [x for x in s for y in x], (x for x in s), "
    "{1: 2, **s}, {1, 2}, (1, 2.0, 3j, b'x', ...), f'{s!r:>{10}}'\n"
    "match x:\n    case [1, *rest]: pass\n    case {'k': v, **kw}: pass\n    case C(1, a=1) | None as z if z: pass\n"
    "    case str() | -1 | 1 + 2j: pass\n    case _: pass\n"
    "x = y = (z := 1) @ 2 // 3 % 4 ** 5 << 6 >> 7 | 8 ^ 9 & ~10 / +a * b\nx.y[0] = x.z\n"
    "x = a == b != c > d in e not in f is not g\n";

/* Parses that source once and drops the tree. The first time a class gets
   an attribute, CPython caches the lookup in its type cache: done here,
   the job child's parse of a submission only reads that cache, where it
   would otherwise write it, a copied page (and a fault) per entry. */
int pg_rules_warm(PyObject *compile) {
    PyObject *tree = PyObject_CallFunction(compile, "sssi", warm_source, "<warm>", "exec", PyCF_ONLY_AST);
    int parsed = tree != NULL;
    Py_XDECREF(tree);
    PyErr_Clear();
    return parsed ? 0 : -1;
}

static int is(PyObject *node, int kind) { return PyObject_TypeCheck(node, (PyTypeObject *)node_types[kind]); }

/* A field of a node as the parser stored it (borrowed), or NULL. */
static PyObject *field(PyObject *dict, int key) { return PyDict_GetItemWithError(dict, keys[key]); }

static int in(PyObject *set, PyObject *key) { return key && PyUnicode_Check(key) && PySet_Contains(set, key) == 1; }

/* The part of a dotted name before the first dot (first = 1) or after the
   last one (first = 0), as a new reference. */
static PyObject *dotted_part(PyObject *name, int first) {
    if (!name || !PyUnicode_Check(name)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, n, first ? 1 : -1);
    if (dot < 0) {
        Py_INCREF(name);
        return name;
    }
    return first ? PyUnicode_Substring(name, 0, dot) : PyUnicode_Substring(name, dot + 1, n);
}

/* Does `node` (its __dict__ `d`) break rule `r`: (id, names, attributes,
   spelled, modules, slice_step)? */
static int breaks(PyObject *node, PyObject *d, PyObject *r) {
    PyObject *names = PyTuple_GET_ITEM(r, 1), *attributes = PyTuple_GET_ITEM(r, 2);
    PyObject *spelled = PyTuple_GET_ITEM(r, 3), *modules = PyTuple_GET_ITEM(r, 4);
    int slice_step = PyObject_IsTrue(PyTuple_GET_ITEM(r, 5)) == 1;
    if (is(node, NODE_NAME)) {
        // Any use counts, not only a call: `r = reversed` is an alias.
        PyObject *id = field(d, KEY_ID);
        return in(names, id) || (slice_step && id && PyUnicode_Check(id) && PyUnicode_CompareWithASCIIString(id, "slice") == 0);
    }
    if (is(node, NODE_ATTRIBUTE)) {
        PyObject *attr = field(d, KEY_ATTR);
        return in(attributes, attr) || in(names, attr);
    }
    if (is(node, NODE_CONSTANT)) {
        // getattr(s, "__reversed__"), vars(builtins)["reversed"]
        return in(spelled, field(d, KEY_VALUE));
    }
    if (is(node, NODE_ALIAS)) {
        PyObject *name = field(d, KEY_NAME);
        PyObject *last = dotted_part(name, 0), *top = dotted_part(name, 1);
        int bad = in(names, last) || in(modules, top);
        Py_XDECREF(last);
        Py_XDECREF(top);
        return bad;
    }
    if (is(node, NODE_IMPORT_FROM)) {
        PyObject *top = dotted_part(field(d, KEY_MODULE), 1);
        int bad = in(modules, top);
        Py_XDECREF(top);
        return bad;
    }
    if (is(node, NODE_SLICE)) {
        PyObject *step = field(d, KEY_STEP);
        return slice_step && step && step != Py_None;
    }
    return 0;
}

PyObject *pg_rule_hits(PyObject *rules, PyObject *tree) {
    if (!node_types[NODE_AST] || !PyTuple_Check(rules)) {
        PyErr_SetString(PyExc_RuntimeError, "rules are not set up");
        return NULL;
    }
    Py_ssize_t nrules = PyTuple_GET_SIZE(rules);
    long *first = calloc((size_t)nrules + 1, sizeof *first);  // 0: not broken
    size_t cap = 256, top = 0;
    PyObject **stack = malloc(cap * sizeof *stack);
    if (!first || !stack) {
        free(first);
        free(stack);
        return PyErr_NoMemory();
    }
    Py_INCREF(tree);
    stack[top++] = tree;
    int failed = 0;
    while (top) {
        PyObject *node = stack[--top];
        PyObject *d = is(node, NODE_AST) ? PyObject_GenericGetDict(node, NULL) : NULL;
        if (d && PyDict_Check(d)) {
            PyObject *ln = field(d, KEY_LINENO);
            long line = ln && PyLong_Check(ln) ? PyLong_AsLong(ln) : 0;
            for (Py_ssize_t i = 0; line > 0 && i < nrules; i++)
                if ((first[i] == 0 || line < first[i]) && breaks(node, d, PyTuple_GET_ITEM(rules, i))) first[i] = line;
            // Children: the fields that hold a node or a list of nodes.
            Py_ssize_t pos = 0;
            PyObject *key, *value;
            while (!failed && PyDict_Next(d, &pos, &key, &value)) {
                Py_ssize_t n = PyList_Check(value) ? PyList_GET_SIZE(value) : 1;
                if (top + (size_t)n > cap) {
                    while (top + (size_t)n > cap) cap *= 2;
                    PyObject **grown = realloc(stack, cap * sizeof *stack);
                    if (!grown) {
                        failed = 1;
                        break;
                    }
                    stack = grown;
                }
                if (PyList_Check(value)) {
                    for (Py_ssize_t j = 0; j < n; j++) {
                        PyObject *item = PyList_GET_ITEM(value, j);
                        if (is(item, NODE_AST)) {
                            Py_INCREF(item);
                            stack[top++] = item;
                        }
                    }
                } else if (is(value, NODE_AST)) {
                    Py_INCREF(value);
                    stack[top++] = value;
                }
            }
        }
        PyErr_Clear();
        Py_XDECREF(d);
        Py_DECREF(node);
    }
    while (top) Py_DECREF(stack[--top]);
    free(stack);
    PyObject *hits = failed ? NULL : PyList_New(0);
    for (Py_ssize_t i = 0; hits && i < nrules; i++) {
        if (!first[i]) continue;
        PyObject *hit = Py_BuildValue("(Ol)", PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, i), 0), first[i]);
        if (!hit || PyList_Append(hits, hit)) Py_CLEAR(hits);
        Py_XDECREF(hit);
    }
    free(first);
    if (failed && !PyErr_Occurred()) PyErr_NoMemory();
    return hits;
}
