// The seccomp filter: built once in the worker from the policy's table
// (sandbox_policy.c) with libseccomp, exported as BPF, and handed to the
// kernel in each job child with the policy's process filter.
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

static struct sock_fprog seccomp_program;

static int add_rules(scmp_filter_ctx ctx, const pg_policy_syscall *rules, size_t count, int channel_fd) {
    int rc = 0;
    for (size_t i = 0; i < count; i++) {
        const pg_policy_syscall *rule = &rules[i];
        int nr = seccomp_syscall_resolve_name(rule->call);
        if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
        struct scmp_arg_cmp conditions[2];
        for (unsigned c = 0; c < rule->nconditions; c++) {
            const pg_policy_condition *k = &rule->condition[c];
            conditions[c] = (struct scmp_arg_cmp){k->arg, k->op, k->on_channel ? (scmp_datum_t)channel_fd : k->a, k->b};
        }
        rc |= seccomp_rule_add_array(ctx, rule->action, nr, rule->nconditions, conditions);
    }
    return rc;
}

/* Built once in the worker with libseccomp and exported as BPF, so that a
   child only hands the program to the kernel (no allocation after fork). */
int pg_sandbox_prepare_seccomp(int channel_fd) {
    pg_set_layer(PG_LAYER_CHANNEL_GUARD, 0, "needs the seccomp layer");
    pg_set_layer(PG_LAYER_OTHERS_GUARD, 0, "needs the seccomp layer");
    pg_set_layer(PG_LAYER_NO_NATIVE_CODE, 0, "needs the seccomp layer");
    if (pg_layer_disabled(PG_LAYER_SECCOMP)) return -1;
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
        pg_set_layer(PG_LAYER_SECCOMP, 0, "the kernel has no seccomp (CONFIG_SECCOMP)");
        return -1;
    }
    uint32_t action = SECCOMP_RET_KILL_PROCESS;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0) {
        pg_set_layer(PG_LAYER_SECCOMP, 0, "the kernel has no seccomp filters with kill-process (%s)", strerror(errno));
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        pg_set_layer(PG_LAYER_SECCOMP, 0, "libseccomp could not start a filter");
        return -1;
    }
    // A binary search on the syscall number rather than a linear scan: each
    // job child's attach (where the kernel runs the filter over every
    // syscall number to cache which are always allowed) and each syscall a
    // candidate makes go through a few comparisons, not all of them.
    // Older libseccomp (before 2.5) lacks the attribute: the same rules then
    // run as a linear scan, and doctor says so.
    int tree = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) == 0;
    // The policy's tables, in their order (the order is the program's); the
    // no-native-code rules unless that layer is left out.
    int native = !pg_layer_disabled(PG_LAYER_NO_NATIVE_CODE);
    int rc = add_rules(ctx, pg_policy_syscalls, pg_policy_syscall_count, channel_fd);
    if (native) rc |= add_rules(ctx, pg_policy_native_syscalls, pg_policy_native_syscall_count, channel_fd);
    int pipefd[2];
    if (rc || pipe2(pipefd, O_CLOEXEC) != 0) {
        seccomp_release(ctx);
        pg_set_layer(PG_LAYER_SECCOMP, 0, "libseccomp refused a rule (%d)", rc);
        return -1;
    }
    rc = seccomp_export_bpf(ctx, pipefd[1]);
    close(pipefd[1]);
    seccomp_release(ctx);
    static struct sock_filter code[4096];
    size_t got = 0;
    ssize_t r;
    while ((r = read(pipefd[0], (char *)code + got, sizeof code - got)) > 0) got += (size_t)r;
    close(pipefd[0]);
    if (rc || got == 0 || got % sizeof(struct sock_filter)) {
        pg_set_layer(PG_LAYER_SECCOMP, 0, "libseccomp could not export the filter (%d)", rc);
        return -1;
    }
    seccomp_program.len = (unsigned short)(got / sizeof(struct sock_filter));
    seccomp_program.filter = code;
    pg_set_layer(PG_LAYER_CHANNEL_GUARD, 1,
                 "fd %d (the result channel) can only be written: dup, dup2/dup3 onto or from it, close, fcntl, ioctl, "
                 "shutdown, setsockopt and the send calls on it kill the job",
                 channel_fd);
    pg_set_layer(PG_LAYER_OTHERS_GUARD, 1,
                 "a job child cannot change another process's limits or scheduling (prlimit, setpriority, "
                 "sched_set*, ioprio_set fail on any pid but its own) and starts from the worker's recorded limits");
    // Landlock is the other half: it keeps /proc/self/mem, which writes
    // through page protections into the job's own code, out of its view.
    // (A layer left out was reported so by pg_layer_disabled.)
    if (native && !pg_layer_active(PG_LAYER_LANDLOCK))
        pg_set_layer(PG_LAYER_NO_NATIVE_CODE, 0,
                     "needs the landlock layer too: without it /proc/self/mem writes into the job's own code (no new "
                     "executable memory is mapped all the same)");
    else if (native)
        pg_set_layer(PG_LAYER_NO_NATIVE_CODE, 1,
                     "no executable memory can be mapped in a job child (mmap, mprotect, pkey_mprotect with PROT_EXEC "
                     "and remap_file_pages fail; /proc/self/mem is out of view): no extension module loads there, only "
                     "those the worker loaded work");
    pg_set_layer(PG_LAYER_SECCOMP, 1,
                 "%u BPF instructions (%s): exec, ptrace, mount, namespaces, bpf, keyctl, io_uring... kill the job; fork, "
                 "socket, System V IPC and POSIX message queues fail; signals reach only the job itself",
                 (unsigned)seccomp_program.len, tree ? "a binary search on the call number" : "a linear scan");
    return 0;
}

int pg_seccomp_apply(void) {
    if (!seccomp_program.len) return 0;
    if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &seccomp_program) != 0 || pg_policy_load_process_filter(getpid()) != 0)
        return -1;
    return 0;
}
