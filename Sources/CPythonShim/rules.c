// The rules of an exercise, in C: a walker over the AST that the job child
// runs on the submission before any candidate code runs (in C rather than
// Python: in a freshly forked child the interpreted walk cost as much as a
// compile), and hooks that apply the same rules to what the candidate's code
// compiles and calls at run time.
//
// Statically, names are resolved the way CPython's symtable resolves them:
// `reversed` is the builtin only where no scope that Python would look in
// (its own, the enclosing functions', the module's) binds it, so a lambda
// parameter or a local called `reversed` is not a use of the builtin.
//
// At run time, hooks in place, so that every way of reaching what they hook
// leads through them and nothing but a C pointer is swapped (the objects
// stay what they were). They go in in the worker (pg_rules_prepare), inert:
// each passes calls on until a job child activates its exercise's rules
// (pg_rules_runtime_install, before the candidate's module runs), which
// then costs it a few stores instead of a copied page per hooked definition.
//   - builtins.compile, eval and exec parse the text they are given and run
//     the same walker over it (a tree given to compile() is copied into the
//     interpreter's own node classes first, and the copy is what compiles);
//   - getattr with a computed name that spells a forbidden name or attribute
//     is a hit;
//   - a forbidden builtin is a hit when it is called, however it was
//     reached (getattr, vars(builtins), __builtins__.__dict__,
//     object.__subclasses__()): a type (reversed) through its tp_new and
//     tp_vectorcall slots, a builtin function through its PyMethodDef, so
//     the object itself stays what it was (isinstance, type(x) is ...);
//   - a forbidden attribute is a hit when a builtin type's method of that
//     name is called (list.reverse, list.__reversed__, deque.reverse...),
//     however the method was reached (getattr, methodcaller, __dict__);
//   - slice() called with a step, for a rule that forbids slicing with one.
// A run-time hit carries only the index of its rule: the candidate's code
// is running, so nothing it could choose (a line) is reported.
//
// Trees are walked with an explicit stack: a deep tree cannot overflow the
// C stack.
#include "CPythonShim.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- AST classes and fields ---- */

enum {
    NODE_NAME, NODE_ATTRIBUTE, NODE_CONSTANT, NODE_ALIAS, NODE_IMPORT, NODE_IMPORT_FROM, NODE_SLICE,
    NODE_FUNCTION, NODE_ASYNC_FUNCTION, NODE_LAMBDA, NODE_CLASS,
    NODE_LIST_COMP, NODE_SET_COMP, NODE_GENERATOR, NODE_DICT_COMP, NODE_ARGUMENTS,
    NODE_EXCEPT, NODE_MATCH_AS, NODE_MATCH_STAR, NODE_MATCH_MAPPING,
    NODE_GLOBAL, NODE_NONLOCAL, NODE_NAMED_EXPR, NODE_STORE, NODE_DEL, NODE_AST, NODE_KINDS
};
static const char *const node_names[NODE_KINDS] = {
    "Name", "Attribute", "Constant", "alias", "Import", "ImportFrom", "Slice",
    "FunctionDef", "AsyncFunctionDef", "Lambda", "ClassDef",
    "ListComp", "SetComp", "GeneratorExp", "DictComp", "arguments",
    "ExceptHandler", "MatchAs", "MatchStar", "MatchMapping",
    "Global", "Nonlocal", "NamedExpr", "Store", "Del", "AST"};
static PyTypeObject *node_types[NODE_KINDS];

/* Every class of the interpreter's _ast module (AST and its node classes),
   and their dictionaries as they were when the last plan was made (see
   ast_classes_untouched). */
static PyTypeObject **ast_classes;
static Py_ssize_t n_ast_classes;
static PyObject **ast_dicts;
static uint64_t *ast_versions;

/* The fields the walker reads, as interned strings made once in the
   worker: a lookup per node then allocates nothing. */
enum {
    KEY_LINENO, KEY_ID, KEY_ATTR, KEY_VALUE, KEY_NAME, KEY_MODULE, KEY_STEP, KEY_CTX, KEY_NAMES, KEY_ASNAME,
    KEY_BODY, KEY_ARGS, KEY_DECORATORS, KEY_RETURNS, KEY_BASES, KEY_KEYWORDS, KEY_GENERATORS, KEY_ELT, KEY_KEY,
    KEY_TARGET, KEY_ITER, KEY_IFS, KEY_POSONLYARGS, KEY_VARARG, KEY_KWONLYARGS, KEY_KWARG, KEY_DEFAULTS,
    KEY_KW_DEFAULTS, KEY_ANNOTATION, KEY_ARG, KEY_REST, KEY_FIELDS, KEY_ATTRIBUTES, KEYS
};
static const char *const key_names[KEYS] = {
    "lineno", "id", "attr", "value", "name", "module", "step", "ctx", "names", "asname",
    "body", "args", "decorator_list", "returns", "bases", "keywords", "generators", "elt", "key",
    "target", "iter", "ifs", "posonlyargs", "vararg", "kwonlyargs", "kwarg", "defaults",
    "kw_defaults", "annotation", "arg", "rest", "_fields", "_attributes"};
static PyObject *keys[KEYS];

int pg_rules_init(void) {
    for (int i = 0; i < KEYS; i++)
        if (!keys[i] && !(keys[i] = PyUnicode_InternFromString(key_names[i]))) return -1;
    PyObject *module = PyImport_ImportModule("_ast");
    if (!module) return -1;
    int rc = 0;
    for (int i = 0; i < NODE_KINDS && rc == 0; i++) {
        PyObject *t = PyObject_GetAttrString(module, node_names[i]);
        if (t && PyType_Check(t)) node_types[i] = (PyTypeObject *)t;  // the reference is kept
        else rc = -1;
    }
    PyObject *dict = PyModule_GetDict(module);
    Py_ssize_t pos = 0, n = 0;
    PyObject *key, *value;
    ast_classes = rc == 0 ? calloc((size_t)PyDict_Size(dict) + 1, sizeof *ast_classes) : NULL;
    if (!ast_classes) rc = -1;
    while (rc == 0 && PyDict_Next(dict, &pos, &key, &value)) {
        if (!PyType_Check(value) || !PyType_IsSubtype((PyTypeObject *)value, node_types[NODE_AST])) continue;
        PyTypeObject *t = (PyTypeObject *)value;
        Py_INCREF(t);
        ast_classes[n++] = t;
        // Nobody changes the node classes after `ast` is imported. Frozen,
        // a candidate cannot give them a descriptor that would make the
        // trees the run-time checks read differ from what the parser built.
        t->tp_flags |= Py_TPFLAGS_IMMUTABLETYPE;
    }
    n_ast_classes = n;
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

/* A field of a node as the parser stored it (borrowed), or NULL. */
static PyObject *field(PyObject *dict, int key) {
    PyObject *v = dict ? PyDict_GetItemWithError(dict, keys[key]) : NULL;
    if (!v) PyErr_Clear();
    return v;
}

/* Exact str only: a subclass could answer a set lookup with its own code. */
static int in(PyObject *set, PyObject *key) { return key && PyUnicode_CheckExact(key) && PySet_Contains(set, key) == 1; }

/* The part of a dotted name before the first dot (first = 1) or after the
   last one (first = 0), as a new reference. */
static PyObject *dotted_part(PyObject *name, int first) {
    if (!name || !PyUnicode_CheckExact(name)) return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(name);
    Py_ssize_t dot = PyUnicode_FindChar(name, '.', 0, n, first ? 1 : -1);
    if (dot < 0) {
        Py_INCREF(name);
        return name;
    }
    return first ? PyUnicode_Substring(name, 0, dot) : PyUnicode_Substring(name, dot + 1, n);
}

/* The kind of a node of the interpreter's own classes (the parser's trees,
   and canonical copies of a candidate's): its exact class, or -1. */
static int kind_of(PyObject *node) {
    PyTypeObject *t = Py_TYPE(node);
    for (int i = 0; i < NODE_KINDS; i++)
        if (node_types[i] == t) return i;
    return -1;
}

/* ---- Rules, and what a rule set needs: a plan ---- */

/* A rule is (id, names, attributes, spelled, modules, slice_step, targets):
   see Harness.rule_sets. At most 64 rules and 64 forbidden names: sets of
   either are bit masks. */
enum { RULE_ID, RULE_NAMES, RULE_ATTRIBUTES, RULE_SPELLED, RULE_MODULES, RULE_SLICE_STEP, RULE_TARGETS, RULE_FIELDS };
#define MAX_BITS 64
#define MAX_TYPES 8
#define MAX_METHODS 40

/* What a rule set needs, worked out once: its forbidden names, numbered,
   with the rules each breaks where it means the builtin; at run time, the
   rules each hooked type and method breaks (by hook slot) and the strings
   getattr() must not be given. Made in the worker (pg_rules_prepare), a
   plan is read, never written, by the job children: no page of it is
   copied into one. */
typedef struct plan {
    PyObject *rules;
    PyObject *number; /* dict: forbidden name -> its number */
    uint64_t breaks[MAX_BITS];
    uint64_t slice_rules; /* the rules that forbid slicing with a step */
    int hooked;           /* its run-time hooks are in */
    uint64_t type_rules[MAX_TYPES], type_step_rules[MAX_TYPES], method_rules[MAX_METHODS];
    PyObject *spelled[MAX_BITS]; /* borrowed from the rules */
    uint64_t spelled_rules[MAX_BITS];
    int nspelled;
    struct plan *next;
} plan;
static plan *plans;

/* Iterates a set without touching a reference count: no page of the
   worker's copied into a job child. */
static int next_in_set(PyObject *set, Py_ssize_t *pos, PyObject **key) {
    Py_hash_t hash;
    return PyAnySet_Check(set) && _PySet_NextEntry(set, pos, key, &hash);
}

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
static plan *plan_for(PyObject *rules) {
    for (plan *p = plans; p; p = p->next)
        if (p->rules == rules) return p;
    if (!node_types[NODE_AST]) {
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
static int name_number(const plan *p, PyObject *name) {
    if (!name || !PyUnicode_CheckExact(name)) return -1;
    PyObject *k = PyDict_GetItemWithError(p->number, name);
    if (!k) PyErr_Clear();
    return k ? (int)PyLong_AsLong(k) : -1;
}

/* Does node `d` (of kind `kind`) break `rule` other than by naming a
   forbidden builtin (which depends on scopes)? */
static int breaks(int kind, PyObject *d, PyObject *rule, int slice_step) {
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

/* ---- The walker ---- */

/* Scopes as CPython's symtable has them: the module, functions (lambdas and
   comprehensions too) and classes, with the forbidden names each binds and
   declares global or nonlocal. */
enum { SCOPE_MODULE, SCOPE_FUNCTION, SCOPE_COMPREHENSION, SCOPE_CLASS };
typedef struct {
    int parent, kind;
    uint64_t bound, global, nonlocal;
} scope;

/* A node to visit, in a scope; `arguments` of a function are visited with
   the function's scope (its parameters bind there, while their defaults and
   annotations belong to the enclosing scope). */
typedef struct {
    PyObject *node;
    int scope;
} item;

/* A forbidden name read (not bound) in a scope, at a line. */
typedef struct {
    int scope, name;
    long line;
} use;

typedef struct {
    const plan *plan;
    scope *scopes;
    size_t nscopes, capscopes;
    item *stack;
    size_t top, capstack;
    use *uses;
    size_t nuses, capuses;
    int failed;
} walk;

static int grow(void **array, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need) cap2 *= 2;
    void *grown = realloc(*array, cap2 * size);
    if (!grown) return -1;
    *array = grown;
    *cap = cap2;
    return 0;
}

static int new_scope(walk *w, int parent, int kind) {
    if (grow((void **)&w->scopes, &w->capscopes, w->nscopes + 1, sizeof *w->scopes)) {
        w->failed = 1;
        return 0;
    }
    w->scopes[w->nscopes] = (scope){parent, kind, 0, 0, 0};
    return (int)w->nscopes++;
}

static void push(walk *w, PyObject *node, int s) {
    if (!node || !PyObject_TypeCheck(node, node_types[NODE_AST])) return;
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
    int k = name_number(w->plan, name);
    if (k >= 0) w->scopes[s].bound |= 1ull << k;
}

/* The name an import binds: `import a.b` binds a, `import a.b as c` c. */
static void bind_alias(walk *w, int s, PyObject *alias, int from) {
    if (!PyObject_TypeCheck(alias, node_types[NODE_AST])) return;
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
    if (!arg || !PyObject_TypeCheck(arg, node_types[NODE_AST])) return;
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
            if ((first[i] == 0 || line < first[i]) && breaks(kind, d, PyTuple_GET_ITEM(rules, i), w->plan->slice_rules >> i & 1))
                first[i] = line;
        if (kind == NODE_NAME) {
            // Binding a name is not using the builtin; reading it may be,
            // depending on the scopes (resolved once all are known).
            PyObject *ctx = field(d, KEY_CTX);
            PyObject *id = field(d, KEY_ID);
            if (ctx && (Py_IS_TYPE(ctx, node_types[NODE_STORE]) || Py_IS_TYPE(ctx, node_types[NODE_DEL]))) {
                bind(w, s, id);
            } else {
                int k = name_number(w->plan, id);
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
            if (!PyObject_TypeCheck(g, node_types[NODE_AST])) continue;
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
            int k = name_number(w->plan, PyList_GET_ITEM(l, j));
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
        if (t && Py_IS_TYPE(t, node_types[NODE_NAME])) {
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
static int check_tree(PyObject *rules, PyObject *tree, long *first) {
    const plan *p = plan_for(rules);
    if (!p) return -1;
    walk w = {0};
    w.plan = p;
    new_scope(&w, -1, SCOPE_MODULE);
    push(&w, tree, 0);
    while (w.top && !w.failed) {
        item it = w.stack[--w.top];
        PyObject *d = PyObject_GenericGetDict(it.node, NULL);
        if (d && PyDict_Check(d)) visit(&w, rules, it.node, d, it.scope, first);
        PyErr_Clear();
        Py_XDECREF(d);
        Py_DECREF(it.node);
    }
    while (w.top) Py_DECREF(w.stack[--w.top].node);
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
    PyObject *hits = check_tree(rules, tree, first) ? NULL : PyList_New(0);
    for (Py_ssize_t i = 0; hits && i < nrules; i++) {
        if (!first[i]) continue;
        PyObject *hit = Py_BuildValue("(Ol)", PyTuple_GET_ITEM(PyTuple_GET_ITEM(rules, i), RULE_ID), first[i]);
        if (!hit || PyList_Append(hits, hit)) Py_CLEAR(hits);
        Py_XDECREF(hit);
    }
    free(first);
    return hits;
}

/* ======== At run time ======== */

/* The hooks go in where the plan is made: in the worker, through
   pg_rules_prepare, before any job child forks. There they stay, and until
   a job child activates a plan (pg_rules_runtime_install) every one of them
   only passes the call on: a job child then changes two pointers instead of
   copying the pages of every definition it hooks. */
static struct {
    const plan *active; /* NULL: every hook passes calls on */
    pg_rule_hit_fn on_hit;
    void *ctx;
    uint64_t reported;
} rt;

/* Reports each rule once. */
static void hit(uint64_t rules) {
    if (!rt.active) return;
    rules &= ~rt.reported;
    if (!rules) return;
    rt.reported |= rules;
    for (int i = 0; i < MAX_BITS; i++)
        if (rules >> i & 1) rt.on_hit(i, rt.ctx);
}

/* Lets this process write the page(s) under [p, p + n): the definitions
   and types hooked are data, most already writable; a const one sits in
   RELRO memory, made read-only after relocation. Never code. */
static int writable(void *p, size_t n) {
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
    if (!rt.active) return;
    hit(rt.active->type_rules[i]);
    if (nargs == 3 && third != Py_None) hit(rt.active->type_step_rules[i]);
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
static int hook_type(PyTypeObject *t) {
    for (int i = 0; i < ntypes; i++)
        if (types[i].type == t) return i;
    if (ntypes == MAX_TYPES || !t->tp_new || (t->tp_flags & Py_TPFLAGS_HEAPTYPE) || writable(t, sizeof *t)) return -1;
    types[ntypes] = (hooked_type){t, t->tp_new, t->tp_vectorcall};
    t->tp_new = hooked_new;
    if (t->tp_vectorcall) t->tp_vectorcall = hooked_vectorcall;
    return ntypes++;
}

/* ---- Hooked C functions and methods: their PyMethodDef ---- */

/* Which of compile, eval, exec, getattr a definition is. */
enum { PLAIN, COMPILE, EVAL, EXEC, GETATTR, SPECIALS };

typedef struct {
    PyMethodDef *def;
    PyCFunction meth; /* the original */
} hooked_method;
static hooked_method methods[MAX_METHODS];
static int nmethods;
static int special_slot[SPECIALS];

static void method_called(int i) {
    if (rt.active) hit(rt.active->method_rules[i]);
}

/* One trampoline per hook slot and calling convention: it reports the
   method's rules and calls the original, with the same arguments. */
#define SLOT(i)                                                                                                     \
    static PyObject *noargs_or_o_##i(PyObject *self, PyObject *arg) {                                               \
        method_called(i);                                                                                           \
        return methods[i].meth(self, arg);                                                                          \
    }                                                                                                               \
    static PyObject *varargs_kw_##i(PyObject *self, PyObject *args, PyObject *kwargs) {                             \
        method_called(i);                                                                                           \
        return ((PyCFunctionWithKeywords)(void (*)(void))methods[i].meth)(self, args, kwargs);                      \
    }                                                                                                               \
    static PyObject *fast_##i(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {                            \
        method_called(i);                                                                                           \
        return ((_PyCFunctionFast)(void (*)(void))methods[i].meth)(self, args, nargs);                              \
    }                                                                                                               \
    static PyObject *fast_kw_##i(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {      \
        method_called(i);                                                                                           \
        return ((_PyCFunctionFastWithKeywords)(void (*)(void))methods[i].meth)(self, args, nargs, kwnames);         \
    }                                                                                                               \
    static PyObject *method_##i(PyObject *self, PyTypeObject *cls, PyObject *const *args, size_t nargsf,            \
                                PyObject *kwnames) {                                                                \
        method_called(i);                                                                                           \
        return ((PyCMethod)(void (*)(void))methods[i].meth)(self, cls, args, nargsf, kwnames);                      \
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

static PyObject *compile_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
static PyObject *eval_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
static PyObject *exec_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
static PyObject *getattr_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* The hook slot of a method definition, hooked now if it was not (with its
   special hook for compile, eval, exec, getattr): -1 if it cannot be. */
static int hook_method(PyMethodDef *def, int special) {
    for (int i = 0; i < nmethods; i++)
        if (methods[i].def == def) return i;
    int family = convention(def->ml_flags);
    if (nmethods == MAX_METHODS || family < 0 || writable(def, sizeof *def)) return -1;
    PyCFunction hook;
    switch (special) {
    case COMPILE: hook = (PyCFunction)(void (*)(void))compile_hook; break;
    case EVAL: hook = (PyCFunction)(void (*)(void))eval_hook; break;
    case EXEC: hook = (PyCFunction)(void (*)(void))exec_hook; break;
    case GETATTR: hook = (PyCFunction)(void (*)(void))getattr_hook; break;
    default: hook = trampolines[family][nmethods]; break;
    }
    methods[nmethods] = (hooked_method){def, def->ml_meth};
    def->ml_meth = hook;
    if (special) special_slot[special] = nmethods;
    return nmethods++;
}

static PyCFunction original(int special) { return methods[special_slot[special]].meth; }

/* ---- compile, eval, exec, getattr ---- */

/* The node classes are frozen (pg_rules_init); their dictionaries can
   still be reached (gc.get_referents) and changed behind the type's back.
   Then a tree read here might not be the one the parser built: refuse.
   Compared with what they were when the plan was made. */
static int ast_snapshot;

static void snapshot_ast_classes(void) {
    for (Py_ssize_t i = 0; i < n_ast_classes; i++) {
        ast_dicts[i] = ast_classes[i]->tp_dict;
        ast_versions[i] = ((PyDictObject *)ast_classes[i]->tp_dict)->ma_version_tag;
    }
    ast_snapshot = 1;
}

static int ast_classes_untouched(void) {
    for (Py_ssize_t i = 0; i < n_ast_classes; i++) {
        PyObject *d = ast_classes[i]->tp_dict;
        if (d != ast_dicts[i] || ((PyDictObject *)d)->ma_version_tag != ast_versions[i] ||
            !(ast_classes[i]->tp_flags & Py_TPFLAGS_IMMUTABLETYPE)) {
            PyErr_SetString(PyExc_RuntimeError,
                            "pygrade: the ast node classes were changed, so code made at run time cannot be checked");
            return 0;
        }
    }
    return 1;
}

/* Runs the walker over a tree and reports what it breaks, at run time. */
static int check_runtime_tree(PyObject *tree) {
    long first[MAX_BITS] = {0};
    if (check_tree(rt.active->rules, tree, first)) return -1;
    uint64_t broken = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(rt.active->rules); i++)
        if (first[i]) broken |= 1ull << i;
    hit(broken);
    return 0;
}

/* Text given to compile, eval or exec, as it will be read: str and bytes
   as they are (immutable), any other buffer (bytearray, memoryview) copied
   once, so that what is checked is what runs. NULL (no error) for anything
   else. */
static PyObject *source_text(PyObject *source) {
    if (PyUnicode_Check(source) || PyBytes_Check(source)) {
        Py_INCREF(source);
        return source;
    }
    if (PyObject_CheckBuffer(source)) return PyBytes_FromObject(source);
    return NULL;
}

/* eval() skips leading spaces and tabs; the check parses what it parses. */
static PyObject *strip_for_eval(PyObject *text) {
    if (PyUnicode_Check(text)) {
        Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0;
        while (i < n && (PyUnicode_READ_CHAR(text, i) == ' ' || PyUnicode_READ_CHAR(text, i) == '\t')) i++;
        return PyUnicode_Substring(text, i, n);
    }
    const char *p = PyBytes_AS_STRING(text);
    Py_ssize_t n = PyBytes_GET_SIZE(text), i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t')) i++;
    return PyBytes_FromStringAndSize(p + i, n - i);
}

/* The original compile(), called directly: (source, filename, mode, flags,
   dont_inherit, optimize) and keywords, as the builtin takes them. Like
   the builtin, it inherits the calling code's future flags: no Python frame
   is pushed for this C function, so the caller's is still current. */
static PyObject *original_compile(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return ((_PyCFunctionFastWithKeywords)(void (*)(void))original(COMPILE))(self, args, nargs, kwnames);
}

/* Parses `text` with the original compile() (GC off: nothing of the
   candidate's runs meanwhile) and checks the tree. `args`: filename, mode,
   flags (with PyCF_ONLY_AST), dont_inherit, then optimize and
   _feature_version or NULL. */
static int check_text(PyObject *self, PyObject *text, PyObject *const *args) {
    if (!ast_classes_untouched()) return -1;
    PyObject *call[7] = {text, args[0], args[1], args[2], args[3], args[4], args[5]};
    Py_ssize_t nargs = 5;
    if (call[5]) nargs = 6;
    else call[5] = call[6];
    PyObject *kwnames = call[nargs] ? Py_BuildValue("(s)", "_feature_version") : NULL;
    if (call[nargs] && !kwnames) return -1;
    int gc = PyGC_Disable();
    PyObject *tree = original_compile(self, call, nargs, kwnames);
    int rc = tree ? check_runtime_tree(tree) : -1;
    if (gc) PyGC_Enable();
    Py_XDECREF(tree);
    Py_XDECREF(kwnames);
    return rc;
}

/* A candidate's tree, for compile(): see canonical_tree. */
static int real_node(PyObject *o, PyTypeObject **cls) {
    for (PyTypeObject *t = Py_TYPE(o); t; t = t->tp_base)
        for (Py_ssize_t i = 0; i < n_ast_classes; i++)
            if (ast_classes[i] == t) {
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
static PyObject *canonical_tree(PyObject *tree) {
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
            PyObject *known[2] = {_PyType_Lookup(Py_TYPE(it.to), keys[KEY_FIELDS]),
                                  _PyType_Lookup(Py_TYPE(it.to), keys[KEY_ATTRIBUTES])};
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

static PyObject *compile_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    if (!rt.active) return original_compile(self, args, nargs, kwnames);
    method_called(special_slot[COMPILE]);
    // compile(source, filename, mode, flags=0, dont_inherit=False,
    // optimize=-1, *, _feature_version=-1), by position or by keyword.
    static const char *const params[] = {"source", "filename", "mode", "flags", "dont_inherit", "optimize", "_feature_version"};
    enum { SOURCE, FILENAME, MODE, FLAGS, DONT_INHERIT, OPTIMIZE, FEATURE_VERSION, PARAMS };
    PyObject *value[PARAMS] = {0}, *owned[PARAMS] = {0};
    int slot[PARAMS];
    int understood = nargs <= OPTIMIZE + 1;
    for (int i = 0; i < PARAMS; i++) slot[i] = -1;
    for (Py_ssize_t i = 0; understood && i < nargs; i++) {
        value[i] = args[i];
        slot[i] = (int)i;
    }
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t k = 0; understood && k < nkw; k++) {
        int found = 0;
        for (int i = 0; i < PARAMS && !found; i++)
            if (PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(kwnames, k), params[i]) == 0) {
                found = 1;
                if (value[i]) understood = 0;
                value[i] = args[nargs + k];
                slot[i] = (int)(nargs + k);
            }
        if (!found) understood = 0;
    }
    understood = understood && value[SOURCE] && value[FILENAME] && value[MODE];
    // The integers are read once (an __index__ could answer differently
    // twice), and both the check and the original get what was read.
    long flags = 0;
    for (int i = FLAGS; understood && i < PARAMS; i++) {
        if (!value[i] || i == DONT_INHERIT) continue;
        owned[i] = PyNumber_Index(value[i]);
        if (!owned[i]) {
            PyErr_Clear();
            understood = 0;
        }
    }
    if (understood && owned[FLAGS]) {
        flags = PyLong_AsLong(owned[FLAGS]);
        if (flags == -1 && PyErr_Occurred()) {
            PyErr_Clear();
            understood = 0;
        }
    }
    PyObject *source = NULL, *r = NULL, **call = NULL;
    if (!understood) {
        // Not a call compile() accepts: let it say why, and make sure it did.
        r = original_compile(self, args, nargs, kwnames);
        if (r) {
            Py_CLEAR(r);
            PyErr_SetString(PyExc_SystemError, "pygrade: compile() arguments that the rules do not understand");
        }
        goto done;
    }
    int is_ast = PyObject_IsInstance(value[SOURCE], (PyObject *)node_types[NODE_AST]);
    if (is_ast < 0) goto done;
    if (is_ast) {
        if (!ast_classes_untouched()) goto done;
        int gc = PyGC_Disable();
        source = canonical_tree(value[SOURCE]);
        int rc = source ? check_runtime_tree(source) : -1;
        if (gc) PyGC_Enable();
        if (rc) goto done;
    } else {
        source = source_text(value[SOURCE]);
        if (PyErr_Occurred()) goto done;
        if (!source) {  // not source at all: compile() raises its TypeError
            r = original_compile(self, args, nargs, kwnames);
            goto done;
        }
        PyObject *ast_flags = PyLong_FromLong(flags | PyCF_ONLY_AST);
        PyObject *rest[6] = {value[FILENAME], value[MODE], ast_flags, value[DONT_INHERIT] ? value[DONT_INHERIT] : Py_False,
                             owned[OPTIMIZE], owned[FEATURE_VERSION]};
        int rc = ast_flags ? check_text(self, source, rest) : -1;
        Py_XDECREF(ast_flags);
        if (rc) goto done;
    }
    // The original, on what was checked.
    call = PyMem_Malloc((size_t)(nargs + nkw + 1) * sizeof *call);
    if (!call) {
        PyErr_NoMemory();
        goto done;
    }
    memcpy(call, args, (size_t)(nargs + nkw) * sizeof *call);
    call[slot[SOURCE]] = source;
    for (int i = FLAGS; i < PARAMS; i++)
        if (owned[i]) call[slot[i]] = owned[i];
    r = original_compile(self, call, nargs, kwnames);
done:
    PyMem_Free(call);
    Py_XDECREF(source);
    for (int i = 0; i < PARAMS; i++) Py_XDECREF(owned[i]);
    return r;
}

/* eval and exec: text is parsed and checked, then the original runs on it. */
static PyObject *eval_exec_hook(int special, PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    PyCFunction meth = original(special);
    PyObject *text = NULL;
    if (rt.active) {
        method_called(special_slot[special]);
        text = nargs >= 1 ? source_text(args[0]) : NULL;
    }
    if (PyErr_Occurred()) return NULL;
    if (text) {
        PyObject *parsed = special == EVAL ? strip_for_eval(text) : (Py_INCREF(text), text);
        PyObject *filename = PyUnicode_FromString("<string>");
        PyObject *mode = PyUnicode_FromString(special == EVAL ? "eval" : "exec");
        PyObject *flags = PyLong_FromLong(PyCF_ONLY_AST);
        PyObject *rest[6] = {filename, mode, flags, Py_False, NULL, NULL};
        int rc = parsed && filename && mode && flags ? check_text(self, parsed, rest) : -1;
        Py_XDECREF(parsed);
        Py_XDECREF(filename);
        Py_XDECREF(mode);
        Py_XDECREF(flags);
        if (rc) {
            Py_DECREF(text);
            return NULL;
        }
    }
    PyObject **copy = NULL;
    Py_ssize_t nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    if (text && text != args[0]) {
        // A copied buffer: the original reads the copy that was checked.
        copy = PyMem_Malloc((size_t)(nargs + nkw) * sizeof *copy);
        if (!copy) {
            Py_DECREF(text);
            return PyErr_NoMemory();
        }
        memcpy(copy, args, (size_t)(nargs + nkw) * sizeof *copy);
        copy[0] = text;
    }
    PyObject *const *call = copy ? copy : args;
    PyObject *r = special == EVAL ? ((_PyCFunctionFast)(void (*)(void))meth)(self, call, nargs)
                                  : ((_PyCFunctionFastWithKeywords)(void (*)(void))meth)(self, call, nargs, kwnames);
    PyMem_Free(copy);
    Py_XDECREF(text);
    return r;
}

static PyObject *eval_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    return eval_exec_hook(EVAL, self, args, nargs, NULL);
}

static PyObject *exec_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames) {
    return eval_exec_hook(EXEC, self, args, nargs, kwnames);
}

/* getattr(obj, name[, default]) with a name that spells a forbidden name or
   attribute: compared by content (a str subclass runs no code here). */
static PyObject *getattr_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    const plan *p = rt.active;
    if (p) {
        method_called(special_slot[GETATTR]);
        if (nargs >= 2 && PyUnicode_Check(args[1])) {
            Py_ssize_t n = PyUnicode_GET_LENGTH(args[1]);
            for (int i = 0; i < p->nspelled; i++)
                if (PyUnicode_GET_LENGTH(p->spelled[i]) == n && PyUnicode_Compare(p->spelled[i], args[1]) == 0)
                    hit(p->spelled_rules[i]);
            PyErr_Clear();
        }
    }
    return ((_PyCFunctionFast)(void (*)(void))original(GETATTR))(self, args, nargs);
}

/* ---- Plans' hooks, and installing ---- */

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
        if (!def || def->ml_flags != specials[i].flags || hook_method(def, specials[i].special) < 0) goto unexpected;
    }
    for (Py_ssize_t r = 0; r < PyTuple_GET_SIZE(p->rules); r++) {
        PyObject *rule = PyTuple_GET_ITEM(p->rules, r), *s;
        uint64_t bit = 1ull << r;
        Py_ssize_t pos = 0;
        while (next_in_set(PyTuple_GET_ITEM(rule, RULE_SPELLED), &pos, &s))
            if (add_spelled(p, s, (int)r)) goto unexpected;
        if (p->slice_rules & bit) {
            int slot = hook_type(&PySlice_Type);
            if (slot < 0) goto unexpected;
            p->type_step_rules[slot] |= bit;
        }
        // What Harness.rule_sets found for the rule's names and attributes:
        // builtins (types or C functions) and methods of builtin types.
        PyObject *targets = PyTuple_GET_ITEM(rule, RULE_TARGETS);
        for (Py_ssize_t j = 0; PyTuple_Check(targets) && j < PyTuple_GET_SIZE(targets); j++) {
            PyObject *t = PyTuple_GET_ITEM(targets, j);
            int slot;
            if (PyType_Check(t) && !(((PyTypeObject *)t)->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
                if ((slot = hook_type((PyTypeObject *)t)) < 0) goto unexpected;
                p->type_rules[slot] |= bit;
            } else if (PyCFunction_Check(t) || Py_IS_TYPE(t, &PyMethodDescr_Type) || Py_IS_TYPE(t, &PyClassMethodDescr_Type)) {
                PyMethodDef *def = PyCFunction_Check(t) ? ((PyCFunctionObject *)t)->m_ml : ((PyMethodDescrObject *)t)->d_method;
                if ((slot = hook_method(def, PLAIN)) < 0) goto unexpected;
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
    plan *p = plan_for(rules);
    if (!p || hook_plan(p)) return -1;
    snapshot_ast_classes();
    return 0;
}

int pg_rules_runtime_install(PyObject *rules, pg_rule_hit_fn on_hit, void *ctx) {
    if (rt.active) {
        PyErr_SetString(PyExc_RuntimeError, "run-time rules are already installed");
        return -1;
    }
    // Made in the worker already, normally: then nothing is written here
    // but the three fields below.
    plan *p = plan_for(rules);
    if (!p || hook_plan(p)) return -1;
    if (!ast_snapshot) snapshot_ast_classes();
    rt.on_hit = on_hit;
    rt.ctx = ctx;
    rt.reported = 0;
    rt.active = p;
    return 0;
}
