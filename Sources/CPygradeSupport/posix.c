// POSIX calls and macros Swift cannot reach (pipe2, closefrom for a spawn,
// the wait-status macros) and what must run in a signal handler (Ctrl-C for
// a batch).
#include "CPygradeSupport.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int pg_pipe_cloexec(int fds[2]) { return pipe2(fds, O_CLOEXEC); }

int pg_spawn_add_closefrom(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

int pg_wait_exited(int status) { return WIFEXITED(status); }
int pg_wait_exit_status(int status) { return WEXITSTATUS(status); }
int pg_wait_signaled(int status) { return WIFSIGNALED(status); }
int pg_wait_term_signal(int status) { return WTERMSIG(status); }

int pg_stdout_flush(void) {
    errno = 0;
    return fflush(stdout) != 0 || ferror(stdout) ? -1 : 0;
}

static volatile sig_atomic_t interrupted;

static void on_interrupt(int signo) {
    (void)signo;
    interrupted = 1;
}

void pg_interrupt_catch(void) {
    struct sigaction sa;
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    // SA_RESETHAND: the next Ctrl-C is the default action again.
    sa.sa_flags = SA_RESETHAND | SA_RESTART;
    sigaction(SIGINT, &sa, NULL);
    // A blocked SIGINT would never arrive, and a mask is inherited across
    // exec (a test runner or a service manager may start us with most
    // signals blocked). Threads started from here on inherit this mask.
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_UNBLOCK, &set, NULL);
}

int pg_interrupt_requested(void) { return interrupted; }
