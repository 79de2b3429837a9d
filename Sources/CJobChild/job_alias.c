// Whether a test's result is its input, or part of it. `fresh_result` asks
// for a new object, and returning a container held inside the input is the
// same fault as returning the argument itself: flatten's `[[1, 2]]`
// answered with its inner list `[1, 2]` has the caller's input and the
// result be one object, so that changing one changes the other (found by
// the attacker, round four: only the arguments themselves were compared).
#include "job_child.h"

#include <stdint.h>
#include <stdlib.h>

/* A list, dict, set or bytearray: a tuple, str or frozenset shared with the
   input changes nothing when either is changed. */
static int mutable_container(PyObject *o) {
    return PyList_Check(o) || PyDict_Check(o) || (PyAnySet_Check(o) && !PyFrozenSet_Check(o)) || PyByteArray_Check(o);
}

static int container(PyObject *o) { return PyList_Check(o) || PyTuple_Check(o) || PyDict_Check(o) || PyAnySet_Check(o); }

/* The containers met so far, by address (open addressing): an input may
   share a list in many places, or hold itself after the candidate's call. */
typedef struct {
    uintptr_t *slots;
    size_t cap, n;
} seen_set;

/* 1 when `o` is new (now added), 0 when met before, -1 out of memory. */
static int seen_add(seen_set *s, PyObject *o) {
    if (2 * (s->n + 1) > s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 1024;
        uintptr_t *slots = calloc(cap, sizeof *slots);
        if (!slots) return -1;
        for (size_t i = 0; i < s->cap; i++)
            if (s->slots[i]) {
                size_t j = (s->slots[i] >> 4) & (cap - 1);
                while (slots[j]) j = (j + 1) & (cap - 1);
                slots[j] = s->slots[i];
            }
        free(s->slots);
        s->slots = slots;
        s->cap = cap;
    }
    uintptr_t key = (uintptr_t)o;
    size_t j = (key >> 4) & (s->cap - 1);
    while (s->slots[j]) {
        if (s->slots[j] == key) return 0;
        j = (j + 1) & (s->cap - 1);
    }
    s->slots[j] = key;
    s->n++;
    return 1;
}

/* The most containers walked: past it the answer is "not part of it". An
   input the exercise builds is far smaller; one the candidate grew in its
   call is a mutation, caught by the argument digest. */
enum { MAX_WALKED = 1 << 22 };

int pg_result_in_input(PyObject *result, PyObject *args, PyObject *kwargs) {
    if (!mutable_container(result)) return 0;
    seen_set seen = {0};
    PyObject **stack = NULL;
    size_t top = 0, cap = 0;
    int found = 0;
#define PUSH(x)                                                                                                        \
    do {                                                                                                               \
        PyObject *x_ = (x);                                                                                            \
        if (!container(x_)) break;                                                                                     \
        if (top == cap) {                                                                                              \
            size_t c = cap ? 2 * cap : 256;                                                                            \
            PyObject **grown = realloc(stack, c * sizeof *grown);                                                      \
            if (!grown) goto done;                                                                                     \
            stack = grown;                                                                                             \
            cap = c;                                                                                                   \
        }                                                                                                              \
        stack[top++] = x_;                                                                                             \
    } while (0)
    PUSH(args);
    if (kwargs) PUSH(kwargs);
    while (top > 0 && seen.n < MAX_WALKED) {
        PyObject *o = stack[--top];
        if (o == result) {
            found = 1;
            break;
        }
        int fresh = seen_add(&seen, o);
        if (fresh <= 0) {
            if (fresh < 0) break;
            continue;
        }
        if (PyList_Check(o)) {
            for (Py_ssize_t i = 0; i < PyList_GET_SIZE(o); i++) PUSH(PyList_GET_ITEM(o, i));
        } else if (PyTuple_Check(o)) {
            for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(o); i++) PUSH(PyTuple_GET_ITEM(o, i));
        } else if (PyDict_Check(o)) {
            Py_ssize_t pos = 0;
            PyObject *k, *v;
            while (PyDict_Next(o, &pos, &k, &v)) {
                PUSH(k);
                PUSH(v);
            }
        } else if (PyAnySet_Check(o)) {
            Py_ssize_t pos = 0;
            PyObject *k;
            Py_hash_t hash;
            while (_PySet_NextEntry(o, &pos, &k, &hash)) PUSH(k);
        }
    }
#undef PUSH
done:
    free(stack);
    free(seen.slots);
    return found;
}
