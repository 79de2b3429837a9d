// Frames and set-up shared by every child the worker forks (child.c,
// compile.c): after fork only the forking thread exists, so no Swift
// runtime code may run in them.
#include "child_common.h"

#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

void pg_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* A frame: u32 little-endian length of (kind + head + body), kind, head, body.
   One writev, so that the worker wakes once per frame, not once per part. */
int pg_send_frame(uint8_t kind, const void *head, size_t headlen, const void *body, size_t bodylen) {
    uint32_t total = (uint32_t)(1 + headlen + bodylen);
    uint8_t pre[5];
    pg_put_u32(pre, total);
    pre[4] = kind;
    struct iovec parts[3] = {{pre, 5}, {(void *)head, headlen}, {(void *)body, bodylen}};
    size_t first = 0;
    while (first < 3) {
        if (parts[first].iov_len == 0) {
            first++;
            continue;
        }
        ssize_t w = writev(PG_RESULT_FD, parts + first, (int)(3 - first));
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        // Skip what went out: whole parts, then the written front of one.
        size_t n = (size_t)w;
        while (first < 3 && n >= parts[first].iov_len) n -= parts[first++].iov_len;
        if (first < 3) {
            parts[first].iov_base = (uint8_t *)parts[first].iov_base + n;
            parts[first].iov_len -= n;
        }
    }
    return 0;
}

static int set_limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit rl = {soft, hard};
    return setrlimit(resource, &rl);
}

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
    // First every limit as the worker recorded it at start, so that no
    // child inherits what an earlier one might have changed; then the job's.
    snprintf(why, whylen, "the child could not set its resource limits");
    if (pg_limits_restore()) return -1;
    if (set_limit(RLIMIT_CORE, 0, 0)) return -1;
    rlim_t cpu = (rlim_t)ceil(l->cpu_seconds > 0 ? l->cpu_seconds : 1);
    if (set_limit(RLIMIT_CPU, cpu, cpu + 1)) return -1;
    if (l->address_space && set_limit(RLIMIT_AS, l->address_space, l->address_space)) return -1;
    if (l->file_size && set_limit(RLIMIT_FSIZE, l->file_size, l->file_size)) return -1;
    if (l->open_files && set_limit(RLIMIT_NOFILE, l->open_files, l->open_files)) return -1;
    if (l->processes && set_limit(RLIMIT_NPROC, l->processes, l->processes)) return -1;
    return 0;
}

/* The worker's stack below this frame may still hold bytes of an earlier
   job (a frame read, a message parsed): wiped before a child inherits it. */
__attribute__((noinline)) static void scrub_stack(void) {
    volatile uint8_t area[64 << 10];
    explicit_bzero((void *)area, sizeof area);
}

pid_t pg_fork_child(void) {
    scrub_stack();
    fflush(NULL);
    PyOS_BeforeFork();
    pid_t pid = fork();
    if (pid == 0) {
        // Before Python's own after-fork hooks, which allocate too. A few
        // MiB: enough for loading and small tests, a bounded share of the
        // job's address space.
        (void)pg_fresh_arena_open(4 << 20);
        PyOS_AfterFork_Child();
        return 0;
    }
    int saved = errno;
    PyOS_AfterFork_Parent();
    errno = saved;
    return pid;
}
