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
//   - slice() called with a step, for a rule that forbids slicing with one;
//     and for such a rule, any subscript of a builtin sequence (str, list,
//     tuple, bytes, bytearray, range, memoryview, array.array and their
//     subclasses) with a slice whose step is not None, through the types'
//     mapping slots and their __getitem__/__setitem__/__delitem__
//     (rules_subscript.c): code made from bytes (marshal, types.CodeType,
//     code.replace) was never walked, and its BUILD_SLICE calls nothing.
// A run-time hit carries only the index of its rule: the candidate's code
// is running, so nothing it could choose (a line) is reported.
//
// Trees are walked with an explicit stack: a deep tree cannot overflow the
// C stack.
//
// What the rules' files share (rules_*.c), internal to CJobChild: the AST
// classes and fields they read, a rule set's plan, the walker's scopes,
// and the run-time hooks' state. Swift sees none of it (CJobChild.h has
// the entry points).
#ifndef PG_RULES_INTERNAL_H
#define PG_RULES_INTERNAL_H

#include "child_common.h"
#include "rules.h"

#include <stdlib.h>

/* ---- AST classes and fields (rules_ast.c) ---- */

enum {
    NODE_NAME, NODE_ATTRIBUTE, NODE_CONSTANT, NODE_ALIAS, NODE_IMPORT, NODE_IMPORT_FROM, NODE_SLICE,
    NODE_FUNCTION, NODE_ASYNC_FUNCTION, NODE_LAMBDA, NODE_CLASS,
    NODE_LIST_COMP, NODE_SET_COMP, NODE_GENERATOR, NODE_DICT_COMP, NODE_ARGUMENTS,
    NODE_EXCEPT, NODE_MATCH_AS, NODE_MATCH_STAR, NODE_MATCH_MAPPING,
    NODE_GLOBAL, NODE_NONLOCAL, NODE_NAMED_EXPR, NODE_STORE, NODE_DEL, NODE_AST, NODE_KINDS
};
extern PyTypeObject *pg_node_types[NODE_KINDS];

/* Every class of the interpreter's _ast module (AST and its node classes). */
extern PyTypeObject **pg_ast_classes;
extern Py_ssize_t pg_n_ast_classes;

/* The fields the walker reads, as interned strings made once in the
   worker: a lookup per node then allocates nothing. */
enum {
    KEY_LINENO, KEY_ID, KEY_ATTR, KEY_VALUE, KEY_NAME, KEY_MODULE, KEY_STEP, KEY_CTX, KEY_NAMES, KEY_ASNAME,
    KEY_BODY, KEY_ARGS, KEY_DECORATORS, KEY_RETURNS, KEY_BASES, KEY_KEYWORDS, KEY_GENERATORS, KEY_ELT, KEY_KEY,
    KEY_TARGET, KEY_ITER, KEY_IFS, KEY_POSONLYARGS, KEY_VARARG, KEY_KWONLYARGS, KEY_KWARG, KEY_DEFAULTS,
    KEY_KW_DEFAULTS, KEY_ANNOTATION, KEY_ARG, KEY_REST, KEY_FIELDS, KEY_ATTRIBUTES, KEYS
};
extern PyObject *pg_keys[KEYS];

/* A field of a node as the parser stored it (borrowed), or NULL. */
static inline PyObject *field(PyObject *dict, int key) {
    PyObject *v = dict ? PyDict_GetItemWithError(dict, pg_keys[key]) : NULL;
    if (!v) PyErr_Clear();
    return v;
}

/* Exact str only: a subclass could answer a set lookup with its own code. */
static inline int in(PyObject *set, PyObject *key) { return key && PyUnicode_CheckExact(key) && PySet_Contains(set, key) == 1; }

/* The part of a dotted name before the first dot (first = 1) or after the
   last one (first = 0), as a new reference. */
static inline PyObject *dotted_part(PyObject *name, int first) {
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
static inline int kind_of(PyObject *node) {
    PyTypeObject *t = Py_TYPE(node);
    for (int i = 0; i < NODE_KINDS; i++)
        if (pg_node_types[i] == t) return i;
    return -1;
}

/* The node classes' dictionaries as they are now, for
   pg_ast_classes_untouched; pg_ast_snapshot says one was taken. */
extern int pg_ast_snapshot;
void pg_snapshot_ast_classes(void);
/* 0 with a RuntimeError when a node class changed since the snapshot. */
int pg_ast_classes_untouched(void);

/* ---- Rules, and what a rule set needs: a plan (rules_plan.c) ---- */

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

/* Iterates a set without touching a reference count: no page of the
   worker's copied into a job child. */
static inline int next_in_set(PyObject *set, Py_ssize_t *pos, PyObject **key) {
    Py_hash_t hash;
    return PyAnySet_Check(set) && _PySet_NextEntry(set, pos, key, &hash);
}

plan *pg_plan_for(PyObject *rules);
int pg_name_number(const plan *p, PyObject *name);
int pg_breaks(int kind, PyObject *d, PyObject *rule, int slice_step);

/* ---- The walker (rules_walk.c, rules_scopes.c) ---- */

static inline int grow(void **array, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t cap2 = *cap ? *cap : 64;
    while (cap2 < need) cap2 *= 2;
    void *grown = realloc(*array, cap2 * size);
    if (!grown) return -1;
    *array = grown;
    *cap = cap2;
    return 0;
}

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

/* Walks `tree` from the module scope: the scopes, what each binds and
   declares, the forbidden names read in each (w->uses), and into `first`
   the first line of each rule broken other than by naming a builtin.
   w->failed on no memory. */
void pg_walk_collect(walk *w, PyObject *rules, PyObject *tree, long *first);

int pg_check_tree(PyObject *rules, PyObject *tree, long *first);

/* ---- At run time (rules_hooks.c, rules_builtins.c, rules_canonical.c) ---- */

/* The hooks go in where the plan is made: in the worker, through
   pg_rules_prepare, before any job child forks. There they stay, and until
   a job child activates a plan (pg_rules_runtime_install) every one of them
   only passes the call on: a job child then changes two pointers instead of
   copying the pages of every definition it hooks. */
typedef struct {
    const plan *active; /* NULL: every hook passes calls on */
    pg_rule_hit_fn on_hit;
    void *ctx;
    uint64_t reported;
} pg_runtime_state;
extern pg_runtime_state pg_rt;

void pg_hit(uint64_t rules);

/* In a job child whose plan forbids names or attributes: a standard library
   function of a forbidden name is a hit when its frame is entered
   (rules_frames.c). */
int pg_frames_install(const plan *p);
/* Whether the Python frame running now is the standard library's. */
int pg_library_running(void);

/* Which of compile, eval, exec, getattr a definition is. */
enum { PLAIN, COMPILE, EVAL, EXEC, GETATTR, SPECIALS };

typedef struct {
    PyMethodDef *def;
    PyCFunction meth; /* the original */
} hooked_method;
extern hooked_method pg_methods[MAX_METHODS];
extern int pg_special_slot[SPECIALS];

static inline void method_called(int i) {
    if (pg_rt.active) pg_hit(pg_rt.active->method_rules[i]);
}

static inline PyCFunction original(int special) { return pg_methods[pg_special_slot[special]].meth; }

int pg_hook_type(PyTypeObject *t);
int pg_hook_method(PyMethodDef *def, int special);
/* The builtin sequences' subscripts (rules_subscript.c): 0, or -1. */
int pg_hook_subscripts(void);

/* The special hooks (rules_builtins.c). */
PyObject *pg_compile_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
PyObject *pg_eval_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *pg_exec_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames);
PyObject *pg_getattr_hook(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* A candidate's tree given to compile(), copied into the interpreter's own
   node classes (rules_canonical.c). New reference, or NULL with an exception. */
PyObject *pg_canonical_tree(PyObject *tree);

#endif
