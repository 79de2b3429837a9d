#ifndef PYGRADE_PROTOCOL_H
#define PYGRADE_PROTOCOL_H

/*
 * The facts the job child (C), the worker and the orchestrator (Swift) share,
 * each written here once: plain C with no Python, so that Swift reads them
 * through CPygradeSupport (`Int(PG_...)`) and C through CJobChild.h, which
 * includes this header by way of CPygradeSupport.h.
 */

/* Statuses a child or the worker can give a test (PygradeProtocol's
   TestStatus(code:) decodes these numbers). */
enum {
    PG_ST_RUNTIME_ERROR = 1,
    PG_ST_TIME_LIMIT = 2,
    PG_ST_MEMORY_LIMIT = 3,
    PG_ST_OUTPUT_LIMIT = 4,
    PG_ST_SANDBOX_VIOLATION = 5,
};

/* Result frame kinds ('r' frames). */
enum {
    PG_RES_VALUE = 0,
    PG_RES_DIGEST = 1,
    PG_RES_NOT_PLAIN = 2,
    PG_RES_TOO_LARGE = 3,
    PG_RES_EXCEPTION = 4,
    PG_RES_ALIASED = 5,
};

/* Frames a child writes on fd 3: u32 little-endian length of (kind + secret
   + head + body), the kind byte, the child's secret, head, body. The worker
   takes each only where the protocol expects it and only with the secret it
   gave that child; anything else is a forged frame.

   A compile child (forked from the worker's base, which holds no test input):
   CODE, NAMES, then one RULE_HITS (or RULE_FAILED) per rule set asked for,
   or SYNTAX_ERROR. A job child (forked from an exercise's zygote): SETUP_FAILED,
   or READY (written before any candidate code runs: only the first frame can
   be trusted to be the harness's) then LOADED | LOAD_ERROR | MISSING, then
   one RESULT per test and DONE; RULE_AT_RUN_TIME may come at any point
   after READY. */
enum {
    PG_FRAME_SETUP_FAILED = 'Z',
    PG_FRAME_READY = 'S',
    PG_FRAME_CODE = 'K',
    PG_FRAME_NAMES = 'N',
    PG_FRAME_SYNTAX_ERROR = 'X',
    PG_FRAME_RULE_HITS = 'R',
    PG_FRAME_RULE_FAILED = 'Q',
    PG_FRAME_LOADED = 'L',
    PG_FRAME_LOAD_ERROR = 'E',
    PG_FRAME_MISSING = 'M',
    PG_FRAME_RESULT = 'r',
    PG_FRAME_DONE = 'D',
    PG_FRAME_RULE_AT_RUN_TIME = 'V',
};

/* The per-child secret every frame carries right after its kind: random
   bytes the worker draws (getrandom) before each fork and hands the child
   in its pg_job / pg_compile_job, which the child keeps in C memory only.
   The candidate's code shares the child's process and fd 3, but plain
   Python cannot read C memory: a frame it writes, or a header of its own
   that swallows the harness's next frames, lacks the secret and is forged.
   A candidate with arbitrary memory access (ctypes) can find it, as it can
   rewrite the harness's hooks: this is a check against forging frames from
   Python, not a wall (docs/sandbox.md). */
enum { PG_FRAME_SECRET_BYTES = 16 };

/* The fd a child's frames go to: its end of an AF_UNIX stream socketpair
   (a pipe's write end could be opened again, for reading, through
   /proc/self/fd/3; a socket cannot). Descriptor games on it (dup, dup2 or
   dup3 onto or from it, close, fcntl, ioctl, shutdown, setsockopt, send
   calls) kill the child (seccomp). */
enum { PG_RESULT_FD = 3 };

/* How a child ended when the worker, not the child, says why a test (or the
   load) has no result: what the worker sends (PygradeProtocol's Ending) and
   the orchestrator words (FailureWords). The numbers travel; the words are
   written once, on the orchestrator's side. */
enum {
    PG_END_WALL_LIMIT = 1,       /* ran past its wall-clock limit */
    PG_END_CPU_LIMIT = 2,        /* its CPU time, as the worker measured it */
    PG_END_CPU_SIGNAL = 3,       /* killed by SIGXCPU or SIGKILL (the kernel's CPU limit) */
    PG_END_BUDGET = 4,           /* ran past the exercise's wall budget */
    PG_END_NOT_RUN_BUDGET = 5,   /* not run: an earlier test spent the budget */
    PG_END_OUTPUT_LIMIT = 6,     /* printed more than the exercise allows */
    PG_END_FLOOD = 7,            /* sent more result data than allowed */
    PG_END_NOT_RUN_FLOOD = 8,    /* not run: an earlier test flooded */
    PG_END_FORGED_FRAME = 9,     /* wrote a frame where none was allowed */
    PG_END_CHANNEL_CLOSED = 10,  /* closed its result channel and kept running */
    PG_END_FILE_SIZE = 11,       /* SIGXFSZ: wrote a file larger than allowed */
    PG_END_FORBIDDEN_CALL = 12,  /* SIGSYS: a system call seccomp forbids */
    PG_END_CRASH = 13,           /* a crash signal (parameter: the signal) */
    PG_END_CRASH_AT_MEMORY = 14, /* a crash signal near the memory limit */
    PG_END_SIGNAL = 15,          /* any other signal (parameter: the signal) */
    PG_END_EXIT = 16,            /* exited during the test (parameter: its code) */
};

/* A child's own exit codes (job and compile children, job_child.c and
   compile.c), when it stops before its work is done. They share numbers with
   the worker's WorkerExit (70 to 76) but never meet them: a worker's status
   is the orchestrator's to read, a child's the worker's. A job child's shows
   as any other exit would (PG_END_EXIT): "exit code N" in a report; a
   compile child's is not read (its frames, or their absence, say it all).
   A child that did its work exits 0. */
enum {
    /* Its set-up failed (descriptors, sandbox, limits, or the run-time rules
       could not go in), after a SETUP_FAILED frame that says why. */
    PG_CHILD_EXIT_SETUP_FAILED = 70,
    /* A frame could not be written: the channel to the worker is gone, and
       nothing more it did could be reported. */
    PG_CHILD_EXIT_FRAME_UNSENT = 71,
    /* Its own work failed where no test is to blame: an allocation, or (a
       compile child) code that does not marshal, after a SETUP_FAILED frame. */
    PG_CHILD_EXIT_INTERNAL = 72,
};

/* Limits both sides name. */
enum {
    /* The largest result any test may return, encoded: the most a job asks
       for, and what a zygote encodes its inputs' previews under. */
    PG_MAX_RESULT_BYTES = 64 << 20,
    /* How much of a visible test's output the worker keeps (and every
       report names). */
    PG_KEPT_OUTPUT_BYTES = 4096,
    /* Results longer than this, under a checker that allows it, travel and
       are compared as digests (the child digests them; so does the worker
       a longer value frame). */
    PG_DIGEST_THRESHOLD = 64 << 10,
    /* The most of a test's arguments a zygote sends for a report's call. */
    PG_ARGUMENT_PREVIEW_BYTES = 16 << 10,
};

#endif
