// One test in a job child: its call (through a fresh probe when it has
// one), the checks on its result, and its RESULT frame.
#include "job_child.h"

#include <string.h>

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

int pg_job_run_test(const pg_job *job, PyObject *entry, const taken_test *test, int index) {
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
        uint8_t status = pg_job_take_exception(text, sizeof text, job->full_text);
        pg_job_flush_output(job);
        pg_job_wait_output_read();
        if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);
        return send_result_exception(job, index, args_digest, status, text);
    }
    pg_job_flush_output(job);
    pg_job_wait_output_read();
    // The worker compares this with the digest it took before the fork.
    if (job->check_mutation) pg_args_digest(args, kwargs, job->result_limit, args_digest);

    if (job->fresh_result && pg_result_in_input(result, args, kwargs)) {
        Py_DECREF(result);
        return send_result(job, index, PG_RES_ALIASED, args_digest, NULL, 0);
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
