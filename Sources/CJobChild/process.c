// The worker's dealings with processes other than its job children's
// insides: its own set-up, its zygotes, the figures it reads about a child
// from the kernel. (The resource limits it keeps steady: sandbox_limits.c.)
#include "CJobChild.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

int pg_worker_process_setup(void) {
    signal(SIGPIPE, SIG_IGN);
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return -1;
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) != 0) return -1;
    return 0;
}

int pg_worker_undumpable(void) { return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0); }

pid_t pg_fork_zygote(void) {
    fflush(NULL);
    PyOS_BeforeFork();
    pid_t pid = fork();
    if (pid == 0) {
        PyOS_AfterFork_Child();
        // Dies with the worker's base; the orphans of its jobs come back to
        // it to be reaped.
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
        return 0;
    }
    int saved = errno;
    PyOS_AfterFork_Parent();
    errno = saved;
    return pid;
}

/* ---- Figures from the kernel. ---- */

double pg_process_cpu_seconds(pid_t pid) {
    clockid_t clk;
    struct timespec ts;
    if (clock_getcpuclockid(pid, &clk) != 0 || clock_gettime(clk, &ts) != 0) return -1;
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double pg_proc_runtime_seconds(int fd) {
    char buf[128];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    return (double)strtoull(buf, NULL, 10) / 1e9;
}

long pg_proc_peak_kib(int fd) {
    char buf[4096];
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    if (n <= 0) return -1;
    buf[n] = 0;
    const char *p = strstr(buf, "\nVmHWM:");
    if (!p) return -1;
    return strtol(p + 7, NULL, 10);
}

/* ---- The worker's memory. ---- */

int pg_collapse_heap(size_t min_bytes) {
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    char line[512];
    int collapsed = 0;
    const uintptr_t huge = 2u << 20;
    while (fgets(line, sizeof line, f)) {
        uintptr_t lo, hi;
        char perms[8] = "";
        unsigned long offset;
        int consumed = 0;
        if (sscanf(line, "%lx-%lx %7s %lx %*s %*s%n", &lo, &hi, perms, &offset, &consumed) < 4) continue;
        // Anonymous (no path after the inode) or the heap, private, writable.
        const char *rest = line + consumed;
        while (*rest == ' ') rest++;
        int anonymous = *rest == '\n' || *rest == 0 || strncmp(rest, "[heap]", 6) == 0;
        if (!anonymous || perms[0] != 'r' || perms[1] != 'w' || perms[3] != 'p') continue;
        uintptr_t a = (lo + huge - 1) & ~(huge - 1), b = hi & ~(huge - 1);
        if (b <= a || b - a < min_bytes) continue;
        if (madvise((void *)a, b - a, MADV_HUGEPAGE) == 0 && madvise((void *)a, b - a, 25 /* MADV_COLLAPSE */) == 0)
            collapsed++;
    }
    fclose(f);
    return collapsed;
}

uint64_t pg_self_vm_bytes(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    unsigned long pages = 0;
    if (fscanf(f, "%lu", &pages) != 1) pages = 0;
    fclose(f);
    return (uint64_t)pages * (uint64_t)sysconf(_SC_PAGESIZE);
}
