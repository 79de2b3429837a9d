#ifndef CPYTHON_SHIM_H
#define CPYTHON_SHIM_H

#include <features.h>
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <marshal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "CPygradeSupport.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Macros and globals that do not import into Swift. ---- */
PyObject *pg_none(void);
void pg_incref(PyObject *o);
void pg_decref(PyObject *o);
void pg_xdecref(PyObject *o);
int pg_is_none(PyObject *o);

/* Isolated interpreter: no site, no environment, no signal handlers.
   Returns 0, or -1 with a reason in `why`. */
int pg_python_initialize(char *why, size_t whylen);
/* The pending exception as "Type: message" (clears it). */
void pg_take_error(char *out, size_t outlen);

/* ---- The value encoder (format: CPygradeSupport.h). ---- */
typedef struct {
    uint8_t *data;
    size_t len, cap, limit;
    /* When set, full chunks are hashed and dropped as encoding goes: the
       digest of a ten-megabyte value without a ten-megabyte buffer. */
    pg_hash128_ctx *sink;
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
int pg_args_preview(PyObject *args, PyObject *kwargs, size_t limit, pg_buf *out);

/* ---- Job children. ---- */

/* Statuses, result kinds, frame kinds and PG_RESULT_FD: pygrade_protocol.h
   (through CPygradeSupport.h). */

typedef struct {
    double cpu_seconds;      /* RLIMIT_CPU soft (hard = soft + 1) */
    uint64_t address_space;  /* RLIMIT_AS in bytes, 0 = unlimited */
    uint64_t file_size;      /* RLIMIT_FSIZE */
    uint64_t open_files;     /* RLIMIT_NOFILE */
    uint64_t processes;      /* RLIMIT_NPROC, 0 = leave */
} pg_limits;

typedef struct {
    int result_fd;           /* becomes fd 3 in the child */
    int output_fd;           /* becomes fds 1 and 2 */
    pg_limits limits;

    const char *filename;    /* shown in tracebacks: "solution.py" */
    const char *module_name; /* "solution": its __name__ */
    const char *entry;       /* the entry point */
    const char *code;        /* marshalled code of the submission (a compile child's) */
    size_t code_len;

    PyObject *tests;         /* list of (probe name or None, args tuple, kwargs dict or None) */
    PyObject *probes_code;   /* probes.py compiled, or NULL: run afresh for each probe test */
    PyObject *builtins_items;/* tuple of (name, value): the builtins before any candidate */
    PyObject *flush;         /* callable() flushing the original sys.stdout/err */
    PyObject *rules;         /* the exercise's rules (pg_rule_hits' format), or NULL */
    int start;               /* first test to run */
    const uint8_t *digest_ok;/* per test: a large result may travel as a digest */
    int check_mutation;      /* send a digest of the arguments after each call */
    int fresh_result;        /* a result that *is* an argument is refused */
    size_t result_limit;     /* bytes */
    size_t digest_threshold; /* results longer than this travel as digests */
    int full_text;           /* exceptions' messages in full (visible-only worker) */
} pg_job;

/* Forks a job child (with PyOS_BeforeFork/AfterFork), which sets itself up,
   runs, and _exits: it never returns into Swift. Returns the pid or -1. */
pid_t pg_spawn_job(const pg_job *job);

typedef struct {
    int result_fd;
    int output_fd;
    pg_limits limits;
    const char *source;      /* the submission, as bytes */
    size_t source_len;
    const char *filename;
    PyObject *compile;       /* builtins.compile, captured before any candidate */
    PyObject *rule_sets;     /* tuple of rules (pg_rule_hits' format), one per exercise asked about */
} pg_compile_job;

/* Forks a compile child: it compiles the source and checks rules, sends the
   frames above and _exits. No candidate code runs in it, and it is forked
   from a process that holds no test input: its words (a syntax error) can
   be shown. Returns the pid or -1. */
pid_t pg_spawn_compile(const pg_compile_job *job);

/* This process's resource limits, recorded once (pg_limits_record) and
   compared before each job: a job child cannot change them (seccomp), and
   if they changed all the same, the worker stops rather than grade under
   them. Every child starts from the recorded ones. */
void pg_limits_record(void);
int pg_limits_unchanged(void);

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

/* In a job child (fresh_arena.c): Python's first `bytes` of allocations
   come from a private region mapped now, not from pages shared with the
   worker. -1 if the region cannot be mapped (nothing changes then). */
int pg_fresh_arena_open(size_t bytes);

/* Rules (rules.c). Once, in the worker: the AST classes of `_ast` (and
   freezes them: see rules.c). */
int pg_rules_init(void);
/* Warms the type cache of the AST classes (see rules.c): in the worker,
   after anything that may have evicted it, before jobs fork. -1 if its
   sample does not parse (a bug of ours: worker start-up fails on it). */
int pg_rules_warm(PyObject *compile);
/* The rules an AST breaks, each with its first line: a list of (id, line).
   `rules`: a tuple of at most 64 (id, names, attributes, spelled, modules,
   slice_step, targets), the sets as frozensets (Harness.rule_sets). A name
   counts only where it means the builtin, as Python resolves scopes. New
   reference, or NULL with an exception. */
PyObject *pg_rule_hits(PyObject *rules, PyObject *tree);

/* In the worker, once per rule set (after Harness.rule_sets), before jobs
   fork: works out what pg_rule_hits and pg_rules_runtime_install need and
   puts the run-time hooks in, inert (each passes calls on) until a job
   child installs the rules. Without it each job child does that work
   itself, copying the pages it writes. 0, or -1 with an exception. */
int pg_rules_prepare(PyObject *rules);

/* Called with the index of a rule (in `rules`) broken at run time, once
   per rule. */
typedef void (*pg_rule_hit_fn)(int rule_index, void *ctx);
/* In a job child, after the harness's last compile and before the
   candidate's module runs: the rules then also apply to what the
   candidate's code compiles (compile, eval, exec of text or of a tree) and
   calls (the forbidden builtins and builtin methods, however reached;
   getattr with a computed forbidden name; slice() with a step). Only for
   exercises with rules. 0, or -1 with an exception (the child must not run
   the candidate then: hooks may be half in). */
int pg_rules_runtime_install(PyObject *rules, pg_rule_hit_fn on_hit, void *ctx);

/* The value digest (hash128) of the stream of (args, kwargs or None); zeros
   if it does not encode. Returns the PG_ENC_* code. */
int pg_args_digest(PyObject *args, PyObject *kwargs, size_t limit, uint8_t out[16]);

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

/* ---- Sandbox layers (sandbox.c). ---- */
enum {
    PG_LAYER_USERNS,
    PG_LAYER_PIDNS,
    PG_LAYER_NETNS,
    PG_LAYER_MOUNTNS,
    PG_LAYER_IPCNS,
    PG_LAYER_UTSNS,
    PG_LAYER_SCRATCH,
    PG_LAYER_LANDLOCK,
    PG_LAYER_NO_NEW_PRIVS,
    PG_LAYER_SECCOMP,
    PG_LAYER_CAPABILITIES,
    PG_LAYER_RLIMITS,
    PG_LAYER_FDS,
    PG_LAYER_ENV,
    PG_LAYER_PGRP,
    PG_LAYER_PROCESS,
    PG_LAYER_WALL,
    PG_LAYER_MEMORY_SCRUB,
    PG_LAYER_ZYGOTE,
    PG_LAYER_SCRATCH_RESET,
    PG_LAYER_CHANNEL_GUARD,
    PG_LAYER_OTHERS_GUARD,
    PG_LAYER_COUNT
};

typedef struct {
    const char *name;
    int active;
    char detail[256]; /* what it does, or why it is missing */
} pg_layer;

/* In the worker, before Python and before any thread: user, network, IPC,
   UTS, mount and PID namespaces, the scratch folder, then a fork; only the
   zygote (PID 1 of the new PID namespace) returns. */
int pg_sandbox_enter(void);
/* In the worker, once Python is up: the Landlock ruleset (read-only
   `read_paths`, read-write scratch) and the seccomp program. */
int pg_sandbox_prepare_landlock(const char *const *read_paths, int count);
int pg_sandbox_prepare_seccomp(void);
void pg_sandbox_note_child_layers(void);
/* In the worker: whether malloc overwrites what is freed (the glibc
   tunables the orchestrator sets), checked by freeing a block and looking.
   Without it a job child could read an earlier candidate's bytes. */
int pg_sandbox_check_memory_scrub(void);
/* In a job child: scratch as cwd, empty environment, no_new_privs,
   Landlock, no capabilities, seccomp. */
int pg_sandbox_apply_child(char *why, size_t whylen);
/* In the worker after each job (its children reaped): scratch is empty
   again. 0 when it is provably empty, -1 when it could not be emptied (the
   worker must stop: the next job would see what is left). */
int pg_sandbox_reset_scratch(void);
/* In the worker at start: a procfs of its own PID namespace on /proc, so that
   /proc/PID of a job child is that child. 0, or -1 (figures then come from
   wait4 alone). */
int pg_sandbox_mount_proc(void);
const pg_layer *pg_sandbox_layer(int i);
const char *pg_sandbox_scratch(void);

#ifdef __cplusplus
}
#endif
#endif
