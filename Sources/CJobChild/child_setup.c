// A child's set-up before any of its own work, in the order it must go:
// process group, signals, descriptors, the sandbox, the resource limits.
#include "child_common.h"

#include <fcntl.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int pg_child_setup(int result_fd, int output_fd, const pg_limits *l, char *why, size_t whylen) {
    snprintf(why, whylen, "the child could not set itself up");
    setpgid(0, 0);
    // Whatever the grader was started with (a test runner may ignore or
    // block signals), a file past RLIMIT_FSIZE and CPU past RLIMIT_CPU end
    // the job.
    signal(SIGXFSZ, SIG_DFL);
    signal(SIGXCPU, SIG_DFL);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    // Dies with the worker, whatever happens to the worker.
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) return -1;
    // Before any code of the candidate's: the frozen inputs out of reach.
    snprintf(why, whylen, "the child could not shut the collector's doors (gc_guard.c)");
    if (pg_sandbox_layer(PG_LAYER_FROZEN_OUT_OF_REACH)->active && pg_gc_guard()) return -1;
    snprintf(why, whylen, "the child could not set itself up");
    int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devnull < 0) return -1;
    if (dup2(devnull, 0) < 0 || dup2(output_fd, 1) < 0 || dup2(output_fd, 2) < 0 || dup2(result_fd, PG_RESULT_FD) < 0)
        return -1;
    // Before the descriptors go: the Landlock ruleset is one of them.
    if (pg_sandbox_apply_child(why, whylen)) return -1;
    // Every other descriptor (the worker's protocol pipes, other children's
    // pipes) goes: the candidate sees stdin, stdout, stderr and its result fd.
    if (syscall(SYS_close_range, PG_RESULT_FD + 1, ~0U, 0) != 0) {
        for (int fd = PG_RESULT_FD + 1; fd < 1024; fd++) close(fd);
    }
    // The worker's malloc overwrites freed memory (see WorkerClient); the
    // candidate's code need not pay for that.
    mallopt(M_PERTURB, 0);
    // Limits last: loading the filters above allocates memory (DMOJ's order).
    snprintf(why, whylen, "the child could not set its resource limits");
    return pg_sandbox_apply_limits(l);
}
