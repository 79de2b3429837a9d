// The job child and what it runs, in C: children forked from the worker
// with no Swift after fork (job children and compile children), the
// value encoder, the rules (a walker over the AST and run-time hooks),
// the CPython macros Swift cannot import, and the worker's process set-up.
// The sandbox they apply is CSandbox's.
#ifndef CJOB_CHILD_H
#define CJOB_CHILD_H

#include <features.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "CPygradeSupport.h"
#include "CSandbox.h"

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang assume_nonnull begin

/* ---- Macros and globals that do not import into Swift. ---- */
PyObject *pg_none(void);
void pg_incref(PyObject *o);
void pg_decref(PyObject *o);
void pg_xdecref(PyObject *_Nullable o);
int pg_is_none(PyObject *o);

/* Isolated interpreter: no site, no environment, no signal handlers.
   Returns 0, or -1 with a reason in `why`. */
int pg_python_initialize(char *why, size_t whylen);
/* The pending exception as "Type: message" (clears it). */
void pg_take_error(char *out, size_t outlen);

/* ---- The value encoder (format: CPygradeSupport.h). ---- */
typedef struct {
    uint8_t *_Nullable data;
    size_t len, cap, limit;
    /* When set, full chunks are hashed and dropped as encoding goes: the
       digest of a ten-megabyte value without a ten-megabyte buffer. */
    pg_hash128_ctx *_Nullable sink;
    size_t flushed;
    /* When set, what fits under `limit` is written before PG_ENC_TOO_LARGE:
       the buffer then holds a prefix of the value's stream (a preview). */
    int partial;
} pg_buf;

enum {
    PG_ENC_OK = 0,
    PG_ENC_NOT_PLAIN = -1,
    PG_ENC_TOO_LARGE = -2,
    PG_ENC_NOMEM = -3,
};

/* Encodes exact plain types only, never calling a method the candidate could
   have defined. On PG_ENC_NOT_PLAIN, `why` names the offending type. */
int pg_encode(PyObject *obj, pg_buf *buf, char *why, size_t whylen);
void pg_buf_free(pg_buf *buf);
/* A test's (args, kwargs) as the start of its value stream, at most `limit`
   bytes (a prefix when it is longer: PG_ENC_TOO_LARGE). For the report's
   picture of a visible test's call; taken in a zygote, before any
   candidate code. */
int pg_args_preview(PyObject *args, PyObject *_Nullable kwargs, size_t limit, pg_buf *out);

/* ---- Job children. ---- */

/* Statuses, result kinds, frame kinds and PG_RESULT_FD: pygrade_protocol.h
   (through CPygradeSupport.h). */

/* A child's resource limits are a pg_limits (CSandbox.h). */
typedef struct {
    int result_fd;           /* becomes fd 3 in the child */
    int output_fd;           /* becomes fds 1 and 2 */
    pg_limits limits;
    uint8_t secret[PG_FRAME_SECRET_BYTES]; /* carried by every frame */

    const char *_Nullable filename;    /* shown in tracebacks: "solution.py" */
    const char *_Nullable module_name; /* "solution": its __name__ */
    const char *_Nullable entry;       /* the entry point */
    const char *_Nullable code;        /* marshalled code of the submission (a compile child's) */
    size_t code_len;

    PyObject *_Nullable tests;         /* list of (probe name or None, args tuple, kwargs dict or None) */
    PyObject *_Nullable probes_code;   /* probes.py compiled, or NULL: run afresh for each probe test */
    PyObject *_Nullable builtins_items;/* tuple of (name, value): the builtins before any candidate */
    PyObject *_Nullable flush;         /* callable() flushing the original sys.stdout/err */
    PyObject *_Nullable rules;         /* the exercise's rules (pg_rule_hits' format), or NULL */
    int start;               /* first test to run */
    const uint8_t *_Nullable digest_ok;/* per test: a large result may travel as a digest */
    int check_mutation;      /* send a digest of the arguments after each call */
    int fresh_result;        /* a result that *is* an argument is refused */
    size_t result_limit;     /* bytes */
    size_t digest_threshold; /* results longer than this travel as digests */
    int full_text;           /* exceptions' messages in full (visible-only worker) */
} pg_job;

/* The worker's side of a child's result channel: an AF_UNIX stream
   socketpair, both ends close-on-exec; fds[1] becomes the child's fd 3,
   fds[0] (shut for writing: the worker never speaks on it) the worker's.
   0, or -1 with errno. */
int pg_result_channel(int fds[_Nonnull 2]);
/* A fresh secret for the next child's frames (getrandom). 0, or -1. */
int pg_frame_secret_draw(uint8_t out[_Nonnull PG_FRAME_SECRET_BYTES]);

/* Forks a job child (with PyOS_BeforeFork/AfterFork), which sets itself up,
   runs, and _exits: it never returns into Swift. Returns the pid or -1. */
pid_t pg_spawn_job(const pg_job *job);

typedef struct {
    int result_fd;
    int output_fd;
    pg_limits limits;
    uint8_t secret[PG_FRAME_SECRET_BYTES]; /* carried by every frame */
    const char *_Nullable source;      /* the submission, as bytes */
    size_t source_len;
    const char *_Nullable filename;
    PyObject *_Nullable compile;       /* builtins.compile, captured before any candidate */
    PyObject *_Nullable rule_sets;     /* tuple of rules (pg_rule_hits' format), one per exercise asked about */
} pg_compile_job;

/* Forks a compile child: it compiles the source and checks rules, sends the
   frames above and _exits. No candidate code runs in it, and it is forked
   from a process that holds no test input: its words (a syntax error) can
   be shown. Returns the pid or -1. */
pid_t pg_spawn_compile(const pg_compile_job *job);

/* The CPU time of a child's main thread in seconds, from its
   /proc/PID/schedstat through `fd`, or -1. Unlike the process CPU clock
   (which for another process is brought up to date only at the scheduler's
   tick), it counts up to the moment it is read. */
double pg_proc_runtime_seconds(int fd);

/* The peak resident memory of a child (VmHWM, KiB) read from its /proc
   status through `fd` (open /proc/PID/status), or -1. */
long pg_proc_peak_kib(int fd);

/* The worker, once its namespaces are set up: not dumpable, so that no job
   child can read its memory (or a zygote's) through /proc. Inherited by
   its zygotes. */
int pg_worker_undumpable(void);

/* Forks a process that carries on in Swift (an exercise's zygote), with
   PyOS_BeforeFork/AfterFork: 0 in the child, the pid in the parent, -1. The
   child dies with its parent and reaps the orphans of its jobs. */
pid_t pg_fork_zygote(void);

/* The guards on definitions that every job child needs before any code of
   the candidate's (the collector's doors, code objects made from values),
   for the layers that are active: installed in the zygote once its inputs
   are built, so that its job children inherit them instead of each paying
   for the lookups. A child installs them again (a no-op when inherited)
   and fails its set-up if they cannot go in. 0, or -1 with `why`. */
int pg_guards_install(char *why, size_t whylen);

/* Rules (rules_*.c). Once, in the worker: the AST classes of `_ast` (and
   freezes them: see rules_ast.c). */
int pg_rules_init(void);
/* Warms the type cache of the AST classes (see rules_ast.c): in the worker,
   after anything that may have evicted it, before jobs fork. -1 if its
   sample does not parse (a bug of ours: worker start-up fails on it). */
int pg_rules_warm(PyObject *compile);
/* The rules an AST breaks, each with its first line: a list of (id, line).
   `rules`: a tuple of at most 64 (id, names, attributes, spelled, modules,
   slice_step, targets), the sets as frozensets (Harness.rule_sets). A name
   counts only where it means the builtin, as Python resolves scopes. New
   reference, or NULL with an exception. */
PyObject *_Nullable pg_rule_hits(PyObject *rules, PyObject *tree);

/* In the worker, once per rule set (after Harness.rule_sets), before jobs
   fork: works out what pg_rule_hits and pg_rules_runtime_install need and
   puts the run-time hooks in, inert (each passes calls on) until a job
   child installs the rules. Without it each job child does that work
   itself, copying the pages it writes. 0, or -1 with an exception. */
int pg_rules_prepare(PyObject *rules);

/* The value digest (hash128) of the stream of (args, kwargs or None); zeros
   if it does not encode. Returns the PG_ENC_* code. */
int pg_args_digest(PyObject *args, PyObject *_Nullable kwargs, size_t limit, uint8_t out[_Nonnull 16]);

/* The worker's own process set-up: a child subreaper (orphans of a job come
   back to it to be reaped), killed with its parent, SIGPIPE ignored. */
int pg_worker_process_setup(void);

/* CPU time of another process, in seconds (clock_getcpuclockid), or -1. */
double pg_process_cpu_seconds(pid_t pid);
/* Backs this process's anonymous memory (regions of at least `min_bytes`)
   with transparent huge pages (MADV_COLLAPSE), so that a fork copies one
   entry per 2 MiB of the worker's test inputs instead of 512. The number
   of regions collapsed, or -1. */
int pg_collapse_heap(size_t min_bytes);
/* Virtual memory size of this process in bytes, from /proc/self/statm. */
uint64_t pg_self_vm_bytes(void);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif
#endif
