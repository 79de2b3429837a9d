// Whether a test's result is its input, or part of it. `fresh_result` asks
// for a new object, and returning a container held inside the input is the
// same fault as returning the argument itself: flatten's `[[1, 2]]`
// answered with its inner list `[1, 2]` has the caller's input and the
// result be one object, so that changing one changes the other (found by
// the attacker, round four: only the arguments themselves were compared).
#include "job_child.h"

#include <stdlib.h>

/* A list, dict, set or bytearray: a tuple, str or frozenset shared with the
   input changes nothing when either is changed. */
static int mutable_container(PyObject *o) {
    return PyList_Check(o) || PyDict_Check(o) || (PyAnySet_Check(o) && !PyFrozenSet_Check(o)) || PyByteArray_Check(o);
}

static int container(PyObject *o) { return PyList_Check(o) || PyTuple_Check(o) || PyDict_Check(o) || PyAnySet_Check(o); }

/* The most containers visited: past it the answer is "not part of it". An
   input the exercise builds is far smaller; one the candidate grew in its
   call (a cycle too) is a mutation, caught by the argument digest. No set
   of what was seen: a million leaves' lists through a hash set cost the
   reference 150 ms and more, and a shared list is only visited again. */
enum { MAX_WALKED = 1 << 22 };

int pg_result_in_input(PyObject *result, PyObject *args, PyObject *kwargs) {
    // A container of the input holds a reference to what it holds: a result
    // whose only reference is the caller's (a new list, as every fair answer
    // returns) is in no container, and nothing need be walked.
    if (!mutable_container(result) || Py_REFCNT(result) == 1) return 0;
    PyObject **stack = NULL;
    size_t top = 0, cap = 0, walked = 0;
    int found = 0;
#define PUSH(x)                                                                                                        \
    do {                                                                                                               \
        PyObject *x_ = (x);                                                                                            \
        if (!container(x_)) break;                                                                                     \
        if (top == MAX_WALKED) goto done;                                                                              \
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
    while (top > 0 && walked++ < MAX_WALKED) {
        PyObject *o = stack[--top];
        if (o == result) {
            found = 1;
            break;
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
    return found;
}
