// What the job child's files (job_*.c) share, internal to CJobChild.
#ifndef PG_JOB_CHILD_H
#define PG_JOB_CHILD_H

#include "child_common.h"
#include "rules.h"

/* A test as the harness took it before any candidate code ran (new
   references): replacing the list's items later changes nothing. */
typedef struct {
    PyObject *probe;  // the probe's name, or NULL
    PyObject *args;
    PyObject *kwargs;  // or NULL
} taken_test;
/* The status of the pending exception, and its words into `text` (see
   job_report.c for what may be said). Clears the exception. */
uint8_t pg_job_take_exception(char *text, size_t textlen, int full);
/* The original sys.stdout and sys.stderr flushed (the job's `flush`). */
void pg_job_flush_output(const pg_job *job);
/* Returns once the worker has read what was printed (or after ~1 s). */
void pg_job_wait_output_read(void);

/* Refuses, from now on, every code object made from values or bytes
   (types.CodeType, code.replace, marshal and _imp of code) but the
   standard library's own .pyc files: 0, or -1 with why (code_guard.c). */
int pg_code_guard(char *why, size_t whylen);

/* The module dict (new reference), or NULL after sending the load's frame. */
PyObject *pg_job_load(const pg_job *job);
/* Runs test `index` and sends its RESULT frame: 0, or -1 when the channel
   is gone. */
/* 1 when `result` is a mutable container that is, or is held in, the test's
   arguments (job_alias.c). */
int pg_result_in_input(PyObject *result, PyObject *args, PyObject *kwargs);

int pg_job_run_test(const pg_job *job, PyObject *entry, const taken_test *test, int index);

#endif
