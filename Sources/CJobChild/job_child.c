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
//
// This file: the job child's sequence (set-up, run-time rules, READY, the
// tests taken, the load, each test, DONE) and its fork.
#include "job_child.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A rule broken at run time (rules_hooks.c): its index and nothing else (the
   candidate's code is running: no line it could choose). */
static void send_rule_hit(int rule_index, void *ctx) {
    (void)ctx;
    uint8_t index = (uint8_t)rule_index;
    pg_send_frame(PG_FRAME_RULE_AT_RUN_TIME, NULL, 0, &index, 1);
}

int pg_guards_install(char *why, size_t whylen) {
    snprintf(why, whylen, "the child could not shut the collector's doors (gc_guard.c)");
    if (pg_sandbox_layer(PG_LAYER_FROZEN_OUT_OF_REACH)->active && pg_gc_guard()) return -1;
    return pg_sandbox_layer(PG_LAYER_NO_MADE_CODE)->active ? pg_code_guard(why, whylen) : 0;
}

static int child_main(const pg_job *job) {
    char why[256];
    // Before any frame, even a set-up failure.
    pg_frames_use_secret(job->secret);
    // Then no code object made from values or bytes (code_guard.c): the
    // guards the zygote installed, or installed here if it could not.
    if (pg_child_setup(job->result_fd, job->output_fd, &job->limits, why, sizeof why) ||
        pg_guards_install(why, sizeof why)) {
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, why, strlen(why));
        return PG_CHILD_EXIT_SETUP_FAILED;
    }
    // Run-time rules: from here on compile/eval/exec and the forbidden
    // builtins and methods report through send_rule_hit. Before any
    // candidate code; if they cannot go in, none runs.
    if (job->rules && pg_rules_runtime_install(job->rules, send_rule_hit, NULL)) {
        char failure[300] = "run-time rules: ";
        pg_take_error(failure + strlen(failure), sizeof failure - strlen(failure));
        pg_send_frame(PG_FRAME_SETUP_FAILED, NULL, 0, failure, strlen(failure));
        return PG_CHILD_EXIT_SETUP_FAILED;
    }
    // Before any candidate code, so that the worker knows the frames before
    // this one (none) were the harness's.
    if (pg_send_frame(PG_FRAME_READY, NULL, 0, NULL, 0)) return PG_CHILD_EXIT_FRAME_UNSENT;
    // The tests, taken before the candidate's code can touch the list.
    Py_ssize_t n = PyList_GET_SIZE(job->tests);
    taken_test *tests = calloc((size_t)(n > 0 ? n : 1), sizeof *tests);
    if (!tests) return PG_CHILD_EXIT_INTERNAL;
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
    PyObject *dict = pg_job_load(job);
    if (!dict) return 0;
    PyObject *entry = PyDict_GetItemString(dict, job->entry);
    if (!entry || !PyCallable_Check(entry)) {
        const char *m = entry ? "is not callable" : "is not defined";
        pg_send_frame(PG_FRAME_MISSING, NULL, 0, m, strlen(m));
        return 0;
    }
    Py_INCREF(entry);
    pg_job_wait_output_read();
    pg_send_frame(PG_FRAME_LOADED, NULL, 0, NULL, 0);
    for (Py_ssize_t i = job->start; i < n; i++)
        if (pg_job_run_test(job, entry, &tests[i], (int)i)) return PG_CHILD_EXIT_FRAME_UNSENT;
    if (pg_send_frame(PG_FRAME_DONE, NULL, 0, NULL, 0) == 0) {
        // Alive until the worker, which has all it needs, kills it: the last
        // test's peak stays readable in /proc (a zombie has none, and
        // waiting for the exit would put the teardown of this process's
        // memory on the job's path). Holding the interpreter's lock, so no
        // thread of the candidate's runs meanwhile.
        for (;;) pause();
    }
    return 0;
}

pid_t pg_spawn_job(const pg_job *job) {
    pid_t pid = pg_fork_child();
    if (pid == 0) {
        int code = child_main(job);
        pg_job_flush_output(job);
        fflush(NULL);
        // _exit: no atexit handlers, no Python finalisation (which could run
        // candidate __del__ code after the verdict is out), no Swift.
        _exit(code);
    }
    return pid;
}
