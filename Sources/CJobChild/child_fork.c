// Forking a child of the worker with Python's fork hooks, the worker's
// stack wiped first and a fresh arena for the child's Python allocations.
#include "child_common.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

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
