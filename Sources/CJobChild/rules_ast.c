// The rules' view of the AST: the node classes of `_ast` and the fields
// the walker reads, set up once in the worker (pg_rules_init), the type
// cache warmed (pg_rules_warm), and the classes' dictionaries as they were
// when a plan was made, to refuse a tree read through changed classes.
// (rules_internal.h says what the rules are.)
#include "rules_internal.h"

static const char *const node_names[NODE_KINDS] = {
    "Name", "Attribute", "Constant", "alias", "Import", "ImportFrom", "Slice",
    "FunctionDef", "AsyncFunctionDef", "Lambda", "ClassDef",
    "ListComp", "SetComp", "GeneratorExp", "DictComp", "arguments",
    "ExceptHandler", "MatchAs", "MatchStar", "MatchMapping",
    "Global", "Nonlocal", "NamedExpr", "Store", "Del", "AST"};
PyTypeObject *pg_node_types[NODE_KINDS];

/* Every class of the interpreter's _ast module (AST and its node classes),
   and their dictionaries as they were when the last plan was made (see
   pg_ast_classes_untouched). */
PyTypeObject **pg_ast_classes;
Py_ssize_t pg_n_ast_classes;
static PyObject **ast_dicts;
static uint64_t *ast_versions;

/* The fields the walker reads, as interned strings made once in the
   worker: a lookup per node then allocates nothing. */
static const char *const key_names[KEYS] = {
    "lineno", "id", "attr", "value", "name", "module", "step", "ctx", "names", "asname",
    "body", "args", "decorator_list", "returns", "bases", "keywords", "generators", "elt", "key",
    "target", "iter", "ifs", "posonlyargs", "vararg", "kwonlyargs", "kwarg", "defaults",
    "kw_defaults", "annotation", "arg", "rest", "_fields", "_attributes"};
PyObject *pg_keys[KEYS];

int pg_rules_init(void) {
    for (int i = 0; i < KEYS; i++)
        if (!pg_keys[i] && !(pg_keys[i] = PyUnicode_InternFromString(key_names[i]))) return -1;
    PyObject *module = PyImport_ImportModule("_ast");
    if (!module) return -1;
    int rc = 0;
    for (int i = 0; i < NODE_KINDS && rc == 0; i++) {
        PyObject *t = PyObject_GetAttrString(module, node_names[i]);
        if (t && PyType_Check(t)) pg_node_types[i] = (PyTypeObject *)t;  // the reference is kept
        else rc = -1;
    }
    PyObject *dict = PyModule_GetDict(module);
    Py_ssize_t pos = 0, n = 0;
    PyObject *key, *value;
    pg_ast_classes = rc == 0 ? calloc((size_t)PyDict_Size(dict) + 1, sizeof *pg_ast_classes) : NULL;
    if (!pg_ast_classes) rc = -1;
    while (rc == 0 && PyDict_Next(dict, &pos, &key, &value)) {
        if (!PyType_Check(value) || !PyType_IsSubtype((PyTypeObject *)value, pg_node_types[NODE_AST])) continue;
        PyTypeObject *t = (PyTypeObject *)value;
        Py_INCREF(t);
        pg_ast_classes[n++] = t;
        // Nobody changes the node classes after `ast` is imported. Frozen,
        // a candidate cannot give them a descriptor that would make the
        // trees the run-time checks read differ from what the parser built.
        t->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
    }
    pg_n_ast_classes = n;
    Py_DECREF(module);
    if (rc == 0) {
        ast_dicts = calloc((size_t)n + 1, sizeof *ast_dicts);
        ast_versions = calloc((size_t)n + 1, sizeof *ast_versions);
        if (!ast_dicts || !ast_versions) rc = -1;
    }
    if (rc) PyErr_Clear();
    return rc;
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



/* The node classes are frozen (pg_rules_init); their dictionaries can
   still be reached (gc.get_referents) and changed behind the type's back.
   Then a tree read here might not be the one the parser built: refuse.
   Compared with what they were when the plan was made. */
int pg_ast_snapshot;

void pg_snapshot_ast_classes(void) {
    for (Py_ssize_t i = 0; i < pg_n_ast_classes; i++) {
        ast_dicts[i] = pg_ast_classes[i]->tp_dict;
        ast_versions[i] = ((PyDictObject *)pg_ast_classes[i]->tp_dict)->ma_version_tag;
    }
    pg_ast_snapshot = 1;
}

int pg_ast_classes_untouched(void) {
    for (Py_ssize_t i = 0; i < pg_n_ast_classes; i++) {
        PyObject *d = pg_ast_classes[i]->tp_dict;
        if (d != ast_dicts[i] || ((PyDictObject *)d)->ma_version_tag != ast_versions[i] ||
            !(pg_ast_classes[i]->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
            PyErr_SetString(PyExc_RuntimeError,
                            "pygrade: the ast node classes were changed, so code made at run time cannot be checked");
            return 0;
        }
    }
    return 1;
}
