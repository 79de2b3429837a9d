// A job child: loads a submission's compiled code and runs one exercise's
// tests on it, from its zygote's inputs. Everything between fork() and
// _exit() is C: after fork only the forking thread exists, so no Swift
// runtime code may run here.
//
// From the moment the candidate's module runs, this process is the
// candidate's: whatever the harness below could do (write frames, read the
// test list), the candidate's code can do first. So the harness keeps what
// it needs where plain Python cannot reach it (the tests, taken into C
// before the load; each probe run from its code in a fresh namespace over
// builtins taken before the load), and the worker believes nothing it says
// but claims: a returned value, the kind of an exception, bytes printed.
// Every figure (CPU, memory, time) the worker reads from the kernel.
#include "child_common.h"

#include <errno.h>
#include <marshal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* A test as the harness took it before any candidate code ran (new
   references): replacing the list's items later changes nothing. */
typedef struct {
    PyObject *probe;  // the probe's name, or NULL
    PyObject *args;
    PyObject *kwargs;  // or NULL
} taken_test;

/* The status of the pending exception and its words: only a builtin
   (static) type is named, never its message (which can quote a hidden
   input) nor a class the candidate defined. "…" says there was a message:
   the visible-only run can show it. With `full`, in the visible-only
   worker (no hidden input anywhere), the message is given. */
static uint8_t take_exception(char *text, size_t textlen, int full) {
    PyObject *type, *value, *tb;
    PyErr_Fetch(&type, &value, &tb);
    uint8_t status = PG_ST_RUNTIME_ERROR;
    snprintf(text, textlen, "raised a non-builtin exception");
    if (type && PyType_Check(type)) {
        PyTypeObject *t = (PyTypeObject *)type;
        if (PyType_IsSubtype(t, (PyTypeObject *)PyExc_MemoryError)) status = PG_ST_MEMORY_LIMIT;
        // A class of the candidate's: its name is theirs to choose, and its
        // str() would run their code. Named in the visible-only worker only.
        if (t->tp_flags & Py_TPFLAGS_HEAPTYPE && full) snprintf(text, textlen, "raised %s", t->tp_name);
        if (!(t->tp_flags & Py_TPFLAGS_HEAPTYPE)) {
            // Asking a builtin exception for its text runs no candidate code.
            PyErr_NormalizeException(&type, &value, &tb);
            PyObject *s = value ? PyObject_Str(value) : NULL;
            int said = s && PyUnicode_Check(s) && PyUnicode_GET_LENGTH(s) > 0;
            const char *m = said && full ? PyUnicode_AsUTF8(s) : NULL;
            if (m)
                snprintf(text, textlen, "raised %s: %s", t->tp_name, m);
            else
                snprintf(text, textlen, "raised %s%s", t->tp_name, said ? ": \xe2\x80\xa6" : "");
            Py_XDECREF(s);
            PyErr_Clear();
        }
    }
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(tb);
    PyErr_Clear();
    return status;
}

static void flush_output(const pg_job *job) {
    if (!job->flush) return;
    PyObject *r = PyObject_CallNoArgs(job->flush);
    Py_XDECREF(r);
    PyErr_Clear();
}

/* Waits until the worker has read everything this test printed, so that the
   output it captures for a test is that test's and not the next one's too
   (the worker drains output before it reads frames). */
static void wait_output_read(void) {
    int pending = 0;
    for (int i = 0; i < 20000 && ioctl(1, FIONREAD, &pending) == 0 && pending > 0; i++) usleep(50);
}

/* A rule broken at run time (rules.c): its index and nothing else (the
   candidate's code is running: no line it could choose). */
static void send_rule_hit(int rule_index, void *ctx) {
    (void)ctx;
    uint8_t index = (uint8_t)rule_index;
    pg_send_frame(PG_FRAME_RULE_AT_RUN_TIME, NULL, 0, &index, 1);
}

/* Returns the module dict (new reference) or NULL after sending its frame. */
static PyObject *load(const pg_job *job) {
    char text[1024];
    PyObject *code = PyMarshal_ReadObjectFromString(job->code, (Py_ssize_t)job->code_len);
    if (!code || !PyCode_Check(code)) {
        Py_XDECREF(code);
        PyErr_Clear();
        const char *why = "the compiled code does not load";
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, why, strlen(why));
        return NULL;
    }
    PyObject *module = PyModule_New(job->module_name);
    if (!module) {
        Py_DECREF(code);
        return NULL;
    }
    PyObject *dict = PyModule_GetDict(module);
    Py_INCREF(dict);
    PyObject *fname = PyUnicode_FromString(job->filename);
    PyDict_SetItemString(dict, "__file__", fname);
    Py_XDECREF(fname);
    PyDict_SetItemString(dict, "__builtins__", PyEval_GetBuiltins());
    PyObject *modules = PyImport_GetModuleDict();
    PyDict_SetItemString(modules, job->module_name, module);

    PyObject *r = PyEval_EvalCode(code, dict, dict);
    Py_DECREF(code);
    if (!r) {
        uint8_t status = take_exception(text, sizeof text, job->full_text);
        flush_output(job);
        pg_send_frame(PG_FRAME_LOAD_ERROR, &status, 1, text, strlen(text));
        Py_DECREF(dict);
        Py_DECREF(module);
        return NULL;
    }
    Py_DECREF(r);
    flush_output(job);
    Py_DECREF(module);
    return dict;
}

/* Digest of (args, kwargs) as the value stream encodes them; all zeros when
   they no longer encode (the candidate put a foreign object inside). */
int pg_args_digest(PyObject *args, PyObject *kwargs, size_t limit, uint8_t out[16]) {
    pg_hash128_ctx hash;
    pg_hash128_init(&hash);
    pg_buf buf = {0};
    buf.limit = limit;
    buf.sink = &hash;
    char why[128];
    PyObject *both = PyTuple_Pack(2, args, kwargs ? kwargs : Py_None);
    int rc = both ? pg_encode(both, &buf, why, sizeof why) : PG_ENC_NOMEM;
    if (rc == PG_ENC_OK) {
        pg_hash128_update(&hash, buf.data, buf.len);
        pg_hash128_final(&hash, out);
    } else {
        memset(out, 0, 16);
    }
    Py_XDECREF(both);
    pg_buf_free(&buf);
    PyErr_Clear();
    return rc;
}

/* A RESULT frame: head = u32 index, u8 kind, then the 16-byte argument
   digest when mutation is checked; body by kind. Nothing else: the worker
   measures CPU and memory itself. */
static int send_result(const pg_job *job, int index, uint8_t kind, const uint8_t *args_digest, const void *body,
                       size_t bodylen) {
    uint8_t head[5 + 16];
    size_t headlen = 5;
    pg_put_u32(head, (uint32_t)index);
    head[4] = kind;
    if (job->check_mutation) {
        memcpy(head + 5, args_digest, 16);
        headlen += 16;
    }
    return pg_send_frame(PG_FRAME_RESULT, head, headlen, body, bodylen);
}

static int send_result_exception(const pg_job *job, int index, const uint8_t *args_digest, uint8_t status,
                                 const char *text) {
    size_t n = strlen(text);
    uint8_t body[1100];
    if (n > sizeof body - 1) n = sizeof body - 1;
    body[0] = status;
    memcpy(body + 1, text, n);
    return send_result(job, index, PG_RES_EXCEPTION, args_digest, body, n + 1);
}

/* The probe called by name, from a namespace made now: probes.py run again
   over a fresh copy of the builtins as they were before the candidate's
   code loaded. Whatever the candidate did to an earlier probe's functions,
   to the probes' helpers or to the builtins module, this one does not see.
   New reference, or NULL with an exception. */
static PyObject *fresh_probe(const pg_job *job, PyObject *name) {
    if (!job->probes_code || !job->builtins_items) {
        PyErr_SetString(PyExc_RuntimeError, "no probes");
        return NULL;
    }
    PyObject *builtins = PyDict_New();
    PyObject *ns = PyDict_New();
    PyObject *probe = NULL;
    if (!builtins || !ns) goto done;
    Py_ssize_t n = PyTuple_GET_SIZE(job->builtins_items);
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *pair = PyTuple_GET_ITEM(job->builtins_items, i);
        if (PyDict_SetItem(builtins, PyTuple_GET_ITEM(pair, 0), PyTuple_GET_ITEM(pair, 1))) goto done;
    }
    PyObject *module_name = PyUnicode_FromString("probes");
    int bad = !module_name || PyDict_SetItemString(ns, "__builtins__", builtins) ||
              PyDict_SetItemString(ns, "__name__", module_name);
    Py_XDECREF(module_name);
    if (bad) goto done;
    PyObject *r = PyEval_EvalCode(job->probes_code, ns, ns);
    if (!r) goto done;
    Py_DECREF(r);
    probe = PyDict_GetItemWithError(ns, name);
    if (probe)
        Py_INCREF(probe);
    else if (!PyErr_Occurred())
        PyErr_SetString(PyExc_RuntimeError, "no such probe");
done:
    Py_XDECREF(builtins);
    Py_XDECREF(ns);
    return probe;
}

static int run_test(const pg_job *job, PyObject *entry, const taken_test *test, int index) {
    char text[1024];
    uint8_t args_digest[16] = {0};
    PyObject *args = test->args, *kwargs = test->kwargs;

    PyObject *result;
    if (test->probe) {
        PyObject *probe = fresh_probe(job, test->probe);
        Py_ssize_t n = PyTuple_GET_SIZE(args);
        PyObject *full = probe ? PyTuple_New(n + 1) : NULL;
        if (full) {
            Py_INCREF(entry);
            PyTuple_SET_ITEM(full, 0, entry);
            for (Py_ssize_t i = 0; i < n; i++) {
                PyObject *a = PyTuple_GET_ITEM(args, i);
                Py_INCREF(a);
                PyTuple_SET_ITEM(full, i + 1, a);
            }
            result = PyObject_Call(probe, full, kwargs);
            Py_DECREF(full);
        } else {
            result = NULL;
        }
        Py_XDECREF(probe);
    } else {
        result = PyObject_Call(entry, args, kwargs);
    }
    if (!result) {
        uint8_t status = take_exception(text, sizeof text, job->full_text);
        flush_output(job);
        wait_output_read();
        if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);
        return send_result_exception(job, index, args_digest, status, text);
    }
    flush_output(job);
    wait_output_read();
    // The worker compares this with the digest it took before the fork.
    if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);

    if (job->fresh_result && result != Py_None) {
        Py_ssize_t n = PyTuple_GET_SIZE(args);
        for (Py_ssize_t i = 0; i < n; i++) {
            PyObject *a = PyTuple_GET_ITEM(args, i);
            if (result == a && (PyList_Check(a) || PyDict_Check(a) || PySet_Check(a))) {
                Py_DECREF(result);
                return send_result(job, index, PG_RES_ALIASED, args_digest, NULL, 0);
            }
        }
    }

    pg_buf buf = {0};
    buf.limit = job->result_limit;
    char why[256] = "";
    int rc = pg_encode(result, &buf, why, sizeof why);
    int sent;
    if (rc == PG_ENC_OK) {
        uint8_t digest[16];
        int digested = job->digest_ok && job->digest_ok[index] && buf.len > job->digest_threshold &&
                       pg_value_digest(buf.data, buf.len, digest) == PG_DIGEST_OK;
        if (digested)
            sent = send_result(job, index, PG_RES_DIGEST, args_digest, digest, 16);
        else
            sent = send_result(job, index, PG_RES_VALUE, args_digest, buf.data, buf.len);
    } else if (rc == PG_ENC_NOT_PLAIN) {
        sent = send_result(job, index, PG_RES_NOT_PLAIN, args_digest, why, strlen(why));
    } else if (rc == PG_ENC_TOO_LARGE) {
        sent = send_result(job, index, PG_RES_TOO_LARGE, args_digest, NULL, 0);
    } else {
        sent = send_result_exception(job, index, args_digest, PG_ST_MEMORY_LIMIT, "raised MemoryError");
    }
    pg_buf_free(&buf);
    // Dropping the result may run a candidate __del__: after the frame is out.
    Py_DECREF(result);
    PyErr_Clear();
    return sent;
}

static int child_main(const pg_job *job) {
    char why[256];
    if (pg_child_setup(job->result_fd, job->output_fd, &job->limits, why, sizeof why)) {
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, why, strlen(why));
        return 70;
    }
    // Run-time rules: from here on compile/eval/exec and the forbidden
    // builtins and methods report through send_rule_hit. Before any
    // candidate code; if they cannot go in, none runs.
    if (job->rules && pg_rules_runtime_install(job->rules, send_rule_hit, NULL)) {
        char failure[300] = "run-time rules: ";
        pg_take_error(failure + strlen(failure), sizeof failure - strlen(failure));
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, failure, strlen(failure));
        return 70;
    }
    // Before any candidate code, so that the worker knows the frames before
    // this one (none) were the harness's.
    if (pg_send_frame(PG_FRAME_READY, NULL, 0, NULL, 0)) return 71;
    // The tests, taken before the candidate's code can touch the list.
    Py_ssize_t n = PyList_GET_SIZE(job->tests);
    taken_test *tests = calloc((size_t)(n > 0 ? n : 1), sizeof *tests);
    if (!tests) return 72;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = PyList_GET_ITEM(job->tests, i);
        PyObject *probe = PyTuple_GET_ITEM(t, 0), *kwargs = PyTuple_GET_ITEM(t, 2);
        tests[i].probe = probe == Py_None ? NULL : probe;
        tests[i].args = PyTuple_GET_ITEM(t, 1);
        tests[i].kwargs = kwargs == Py_None ? NULL : kwargs;
        Py_XINCREF(tests[i].probe);
        Py_INCREF(tests[i].args);
        Py_XINCREF(tests[i].kwargs);
    }
    PyObject *dict = load(job);
    if (!dict) return 0;
    PyObject *entry = PyDict_GetItemString(dict, job->entry);
    if (!entry || !PyCallable_Check(entry)) {
        const char *m = entry ? "is not callable" : "is not defined";
        pg_send_frame(PG_FRAME_MISSING, NULL, 0, m, strlen(m));
        return 0;
    }
    Py_INCREF(entry);
    wait_output_read();
    pg_send_frame(PG_FRAME_LOADED, NULL, 0, NULL, 0);
    for (Py_ssize_t i = job->start; i < n; i++)
        if (run_test(job, entry, &tests[i], (int)i)) return 71;
    pg_send_frame(PG_FRAME_DONE, NULL, 0, NULL, 0);
    return 0;
}

pid_t pg_spawn_job(const pg_job *job) {
    pid_t pid = pg_fork_child();
    if (pid == 0) {
        int code = child_main(job);
        flush_output(job);
        fflush(NULL);
        // _exit: no atexit handlers, no Python finalisation (which could run
        // candidate __del__ code after the verdict is out), no Swift.
        _exit(code);
    }
    return pid;
}
