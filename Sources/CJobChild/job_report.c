// What a job child says besides its results: the words of a pending
// exception (only what holds nothing hidden), and the candidate's output
// flushed and drained before the next frame.
#include "job_child.h"

#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* The status of the pending exception and its words: only a builtin
   (static) type is named, never its message (which can quote a hidden
   input) nor a class the candidate defined. "…" says there was a message:
   the visible-only run can show it. With `full`, in the visible-only
   worker (no hidden input anywhere), the message is given. */
uint8_t pg_job_take_exception(char *text, size_t textlen, int full) {
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

void pg_job_flush_output(const pg_job *job) {
    if (!job->flush) return;
    PyObject *r = PyObject_CallNoArgs(job->flush);
    Py_XDECREF(r);
    PyErr_Clear();
}

/* Waits until the worker has read everything this test printed, so that the
   output it captures for a test is that test's and not the next one's too
   (the worker drains output before it reads frames). */
void pg_job_wait_output_read(void) {
    int pending = 0;
    for (int i = 0; i < 20000 && ioctl(1, FIONREAD, &pending) == 0 && pending > 0; i++) usleep(50);
}
