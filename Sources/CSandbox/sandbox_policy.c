// The sandbox's policy, in one place: what a job child may not do and what
// it is given, as tables that the mechanism files apply (as DMOJ's cptbox
// keeps its policy table apart from its tracer). What a candidate may do
// changes here and nowhere else:
//   - seccomp: the system calls that kill the job, those that fail, and the
//     result channel's guard (sandbox_seccomp.c builds the filter from the
//     table); the filter on calls whose target is a process (built here,
//     around each child's pid);
//   - Landlock: the rights on the read-only paths and on scratch, the
//     network refused, the scopes (sandbox_landlock.c builds the ruleset);
//   - the scratch tmpfs's size;
//   - the resource limits every child runs under.
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <math.h>
#include <sched.h>
#include <stddef.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

/* ---- seccomp: the table, in the order the rules are added. ---- */

#define KILL(call) {call, SCMP_ACT_KILL_PROCESS, 0, {{0}}}
#define FAIL(call, e) {call, SCMP_ACT_ERRNO(e), 0, {{0}}}
/* The guard of the result channel: `call` with argument `arg` compared to
   the channel's descriptor kills the job. */
#define GUARD(call, arg, op) {call, SCMP_ACT_KILL_PROCESS, 1, {{arg, op, 1, 0, 0}}}

const pg_policy_syscall pg_policy_syscalls[] = {
    // Calls no grading needs and an attack would: the child is killed
    // (SIGSYS, graded sandbox_violation).
    KILL("execve"),                  // running another program
    KILL("execveat"),                // the same, from a descriptor
    KILL("ptrace"),                  // reading or steering another process
    KILL("process_vm_readv"),        // another process's memory
    KILL("process_vm_writev"),       // another process's memory
    KILL("mount"),                   // changing the file tree
    KILL("umount2"),                 // uncovering what a mount hides
    KILL("pivot_root"),              // another root
    KILL("chroot"),                  // another root
    KILL("unshare"),                 // new namespaces (a way out of ours)
    KILL("setns"),                   // another process's namespaces
    KILL("bpf"),                     // programs in the kernel
    KILL("perf_event_open"),         // a side channel on other processes
    KILL("keyctl"),                  // the kernel keyrings
    KILL("add_key"),                 // the kernel keyrings
    KILL("request_key"),             // the kernel keyrings
    KILL("kexec_load"),              // a new kernel
    KILL("kexec_file_load"),         // a new kernel
    KILL("init_module"),             // kernel modules
    KILL("finit_module"),            // kernel modules
    KILL("delete_module"),           // kernel modules
    KILL("reboot"),                  // the machine
    KILL("swapon"),                  // the machine's swap
    KILL("swapoff"),                 // the machine's swap
    KILL("io_uring_setup"),          // I/O the filter cannot see
    KILL("io_uring_enter"),          // I/O the filter cannot see
    KILL("io_uring_register"),       // I/O the filter cannot see
    KILL("userfaultfd"),             // stalling the kernel at will (races)
    KILL("acct"),                    // process accounting
    KILL("settimeofday"),            // the clock the limits are read on
    KILL("clock_settime"),           // the clock the limits are read on
    KILL("clock_adjtime"),           // the clock the limits are read on
    KILL("adjtimex"),                // the clock the limits are read on
    KILL("sethostname"),             // the namespace's names
    KILL("setdomainname"),           // the namespace's names
    KILL("iopl"),                    // raw I/O ports
    KILL("ioperm"),                  // raw I/O ports
    KILL("fanotify_init"),           // watching the file system
    KILL("open_by_handle_at"),       // opening a file around Landlock's paths
    KILL("name_to_handle_at"),       // file handles (see the one above)
    KILL("quotactl"),                // disk quotas
    KILL("syslog"),                  // the kernel's log
    KILL("move_mount"),              // the new mount API
    KILL("open_tree"),               // the new mount API
    KILL("fsopen"),                  // the new mount API
    KILL("fsmount"),                 // the new mount API
    KILL("fsconfig"),                // the new mount API
    KILL("fspick"),                  // the new mount API
    KILL("mount_setattr"),           // the new mount API
    KILL("pidfd_send_signal"),       // a signal around the process filter
    KILL("pidfd_getfd"),             // another process's descriptors
    KILL("kcmp"),                    // comparing other processes' resources
    KILL("vhangup"),                 // the terminal
    KILL("lookup_dcookie"),          // kernel profiling
    KILL("personality"),             // another execution domain
    KILL("rt_sigqueueinfo"),         // a signal around the process filter
    KILL("rt_tgsigqueueinfo"),       // a signal around the process filter
    KILL("tkill"),                   // a signal around the process filter
    KILL("migrate_pages"),           // another process's memory placement
    KILL("move_pages"),              // another process's memory placement
    KILL("mbind"),                   // memory placement
    KILL("set_mempolicy"),           // memory placement
    KILL("set_mempolicy_home_node"), // memory placement
    KILL("pidfd_open"),              // a handle on another process
    KILL("process_madvise"),         // another process's memory
    KILL("process_mrelease"),        // another process's memory
    // No new processes: fork, vfork, and clone without CLONE_THREAD fail
    // with EPERM (threads stay possible); clone3 says ENOSYS so that glibc
    // falls back to clone, whose flags a filter can read.
    FAIL("fork", EPERM),
    FAIL("vfork", EPERM),
    {"clone", SCMP_ACT_ERRNO(EPERM), 1, {{0, SCMP_CMP_MASKED_EQ, 0, CLONE_THREAD, 0}}},
    FAIL("clone3", ENOSYS),
    // No network: creating a socket fails (a local socketpair stays possible).
    FAIL("socket", EACCES),
    // No System V IPC and no POSIX message queues: a queue, segment or
    // semaphore set outlives its job, and the worker's IPC namespace is
    // shared by every job it runs, so it would carry data from one
    // candidate to the next. The calls fail. (Landlock also refuses
    // mq_open, but a machine may lack Landlock.)
    FAIL("msgget", EPERM),           // System V message queues
    FAIL("msgsnd", EPERM),
    FAIL("msgrcv", EPERM),
    FAIL("msgctl", EPERM),
    FAIL("shmget", EPERM),           // System V shared memory
    FAIL("shmat", EPERM),
    FAIL("shmdt", EPERM),
    FAIL("shmctl", EPERM),
    FAIL("semget", EPERM),           // System V semaphores
    FAIL("semop", EPERM),
    FAIL("semtimedop", EPERM),
    FAIL("semctl", EPERM),
    FAIL("ipc", EPERM),              // all of them, on architectures with one call
    FAIL("mq_open", EPERM),          // POSIX message queues
    FAIL("mq_unlink", EPERM),
    FAIL("mq_timedsend", EPERM),
    FAIL("mq_timedreceive", EPERM),
    FAIL("mq_notify", EPERM),
    FAIL("mq_getsetattr", EPERM),
    // The channel guard: fd 3 carries the job's frames, and a candidate
    // who could move it (dup it away, put a file in its place, close it,
    // make it non-blocking) could send frames of its own choosing in place
    // of the harness's. Writing on it stays possible: a frame is a claim,
    // checked by the worker. Any other use kills the job.
    GUARD("dup", 0, SCMP_CMP_EQ),    // a copy of it
    GUARD("dup2", 0, SCMP_CMP_EQ),   // a copy of it
    GUARD("dup2", 1, SCMP_CMP_EQ),   // something else in its place
    GUARD("dup3", 0, SCMP_CMP_EQ),   // a copy of it
    GUARD("dup3", 1, SCMP_CMP_EQ),   // something else in its place
    GUARD("close", 0, SCMP_CMP_EQ),  // the channel gone, the number free
    // close_range over it.
    {"close_range", SCMP_ACT_KILL_PROCESS, 2, {{0, SCMP_CMP_LE, 1, 0, 0}, {1, SCMP_CMP_GE, 1, 0, 0}}},
    GUARD("ioctl", 0, SCMP_CMP_EQ),  // FIONBIO and the like
    // fd 3 is a socket (pg_result_channel, child_frames.c): the socket calls
    // that change it or speak on it other than by write kill the job too.
    // shutdown would end the channel (as close); setsockopt could change
    // its buffers or timeouts under the harness; sendmsg could pass
    // descriptors (SCM_RIGHTS: the worker reads with read(), which drops
    // them, but none should travel), and nothing of the harness's sends
    // any other way than write. Reading it (read, recv*) stays harmless:
    // the worker's end is shut for writing, so the child's end yields
    // end-of-file and never a byte of the harness's frames.
    GUARD("shutdown", 0, SCMP_CMP_EQ),    // the channel ended
    GUARD("setsockopt", 0, SCMP_CMP_EQ),  // its buffers, its timeouts
    GUARD("sendmsg", 0, SCMP_CMP_EQ),     // descriptors passed (SCM_RIGHTS)
    GUARD("sendmmsg", 0, SCMP_CMP_EQ),    // the same, several at once
    GUARD("sendto", 0, SCMP_CMP_EQ),      // send(): flags write has not
    // fcntl: only F_GETFD (1) and F_GETFL (3) on it.
    {"fcntl", SCMP_ACT_KILL_PROCESS, 2, {{0, SCMP_CMP_EQ, 1, 0, 0}, {1, SCMP_CMP_EQ, 0, F_DUPFD, 0}}},
    {"fcntl", SCMP_ACT_KILL_PROCESS, 2, {{0, SCMP_CMP_EQ, 1, 0, 0}, {1, SCMP_CMP_EQ, 0, F_SETFD, 0}}},
    {"fcntl", SCMP_ACT_KILL_PROCESS, 2, {{0, SCMP_CMP_EQ, 1, 0, 0}, {1, SCMP_CMP_GT, 0, F_GETFL, 0}}},
};
const size_t pg_policy_syscall_count = sizeof pg_policy_syscalls / sizeof pg_policy_syscalls[0];

// No native code (layer no-native-code, left out of the filter when that
// layer is disabled): no new executable memory in a
// job child, so no shared object can be loaded (dlopen maps its code
// PROT_EXEC: the import fails with ImportError) and no code a candidate
// writes can run. What the job runs is the worker's code, mapped before
// the fork: the interpreter, glibc and the extension modules the worker
// loaded (Harness.swift, NATIVE_PRELOAD). mmap, mprotect and
// pkey_mprotect with PROT_EXEC fail with EPERM (mremap keeps a mapping's
// protection: it never makes writable memory executable); remap_file_pages,
// which rearranges the pages of an executable mapping of a file, fails
// too; personality is killed above (READ_IMPLIES_EXEC would add
// PROT_EXEC behind the filter's back, and the child clears it,
// sandbox_child.c); System V shared memory (shmat, SHM_EXEC) fails above.
// /proc/self/mem, which writes through page protections, is out of the
// job's view by Landlock alone (sandbox_seccomp.c says so).
const pg_policy_syscall pg_policy_native_syscalls[] = {
    {"mmap", SCMP_ACT_ERRNO(EPERM), 1, {{2, SCMP_CMP_MASKED_EQ, 0, PROT_EXEC, PROT_EXEC}}},
    {"mprotect", SCMP_ACT_ERRNO(EPERM), 1, {{2, SCMP_CMP_MASKED_EQ, 0, PROT_EXEC, PROT_EXEC}}},
    {"pkey_mprotect", SCMP_ACT_ERRNO(EPERM), 1, {{2, SCMP_CMP_MASKED_EQ, 0, PROT_EXEC, PROT_EXEC}}},
    FAIL("remap_file_pages", EPERM),
};
const size_t pg_policy_native_syscall_count = sizeof pg_policy_native_syscalls / sizeof pg_policy_native_syscalls[0];

#undef KILL
#undef FAIL
#undef GUARD


/* A second, hand-written filter, for the calls whose target is a process: it
depends on the child's pid, so it is built in the child (a few instructions,
no allocation). Arguments are compared on their low 32 bits, as the kernel
reads a pid_t.
- kill and tgkill may target only the job itself (its pid, its own group,
  0); anything else kills the job (it tried to reach outside).
- prlimit64, sched_setaffinity, sched_setscheduler, sched_setparam,
  sched_setattr, setpriority and ioprio_set may act on the job itself only
  (pid 0 or its own); on any other process they fail with EPERM: the
  worker's limits and scheduling, which the next candidate inherits, are
  out of reach, and a candidate that merely asked may carry on. */
int pg_policy_load_process_filter(pid_t self) {
    uint32_t me = (uint32_t)self, group = (uint32_t)-self;
    enum { L_SIG = 11, L_PID = 16, L_WHO = 20, L_IOWHO = 26, L_ALLOW = 32 };
#define NR_IS(nr, label, at) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (nr), (label) - (at) - 1, 0)
#define ARG_IS(v, label, at) BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (v), (label) - (at) - 1, 0)
#define LOAD_ARG(n) BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[n]))
    const uint32_t eperm = SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA);
    struct sock_filter code[] = {
        /* 0 */ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
        /* 1 */ NR_IS(SYS_kill, L_SIG, 1),
        /* 2 */ NR_IS(SYS_tgkill, L_SIG, 2),
        /* 3 */ NR_IS(SYS_prlimit64, L_PID, 3),
        /* 4 */ NR_IS(SYS_sched_setaffinity, L_PID, 4),
        /* 5 */ NR_IS(SYS_sched_setscheduler, L_PID, 5),
        /* 6 */ NR_IS(SYS_sched_setparam, L_PID, 6),
        /* 7 */ NR_IS(SYS_sched_setattr, L_PID, 7),
        /* 8 */ NR_IS(SYS_setpriority, L_WHO, 8),
        /* 9 */ NR_IS(SYS_ioprio_set, L_IOWHO, 9),
        /* 10 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
        /* 11 L_SIG */ LOAD_ARG(0),
        /* 12 */ ARG_IS(me, L_ALLOW, 12),
        /* 13 */ ARG_IS(group, L_ALLOW, 13),
        /* 14 */ ARG_IS(0, L_ALLOW, 14),
        /* 15 */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
        /* 16 L_PID */ LOAD_ARG(0),
        /* 17 */ ARG_IS(me, L_ALLOW, 17),
        /* 18 */ ARG_IS(0, L_ALLOW, 18),
        /* 19 */ BPF_STMT(BPF_RET | BPF_K, eperm),
        /* 20 L_WHO: which must be PRIO_PROCESS (0) */ LOAD_ARG(0),
        /* 21 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0, 0, 3),
        /* 22 */ LOAD_ARG(1),
        /* 23 */ ARG_IS(me, L_ALLOW, 23),
        /* 24 */ ARG_IS(0, L_ALLOW, 24),
        /* 25 */ BPF_STMT(BPF_RET | BPF_K, eperm),
        /* 26 L_IOWHO: which must be IOPRIO_WHO_PROCESS (1) */ LOAD_ARG(0),
        /* 27 */ BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 3),
        /* 28 */ LOAD_ARG(1),
        /* 29 */ ARG_IS(me, L_ALLOW, 29),
        /* 30 */ ARG_IS(0, L_ALLOW, 30),
        /* 31 */ BPF_STMT(BPF_RET | BPF_K, eperm),
        /* 32 L_ALLOW */ BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
    };
#undef NR_IS
#undef ARG_IS
#undef LOAD_ARG
    _Static_assert(sizeof code / sizeof code[0] == L_ALLOW + 1, "labels out of step with the program");
    struct sock_fprog prog = {(unsigned short)(sizeof code / sizeof code[0]), code};
    return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
}

/* ---- Landlock. ---- */

const pg_policy_landlock_rights pg_policy_landlock = {
    // sys.path (the stdlib and its extension modules): read, never written
    // or executed as a program.
    .read_only = PG_LL_FS_READ_FILE | PG_LL_FS_READ_DIR,
    // Scratch: everything but running a file, making a device node, and
    // device ioctls.
    .scratch_denied = PG_LL_FS_EXECUTE | PG_LL_FS_MAKE_CHAR | PG_LL_FS_MAKE_BLOCK | PG_LL_FS_IOCTL_DEV,
    // No rule allows any TCP port: bind and connect are refused even
    // where there is no network namespace.
    .net_refused = PG_LL_NET_BIND_TCP | PG_LL_NET_CONNECT_TCP,
    // Signals and abstract sockets stay inside the job's own domain.
    .scoped = PG_LL_SCOPE_ABSTRACT_UNIX_SOCKET | PG_LL_SCOPE_SIGNAL,
};

/* ---- Scratch. ---- */

// Size-capped (bytes and inodes), so that a disk fill ends there.
const char pg_policy_scratch_tmpfs[] = "size=64m,nr_inodes=4096,mode=1777";

/* ---- Resource limits. ---- */

// A job child runs the candidate's code: CPU and memory are the job's
// figures; a file it writes in scratch may reach 16 MiB (a candidate has
// no use for more, and scratch itself is capped above), 64 descriptors,
// and the process limit stays the worker's (seccomp refuses fork anyway).
pg_limits pg_policy_job_limits(double cpu_seconds, uint64_t address_space) {
    return (pg_limits){cpu_seconds, address_space, 16u << 20, 64, 0};
}

// A compile child runs no candidate code and writes no file: 1 MiB of
// file size is a tripwire, not a budget.
pg_limits pg_policy_compile_limits(double cpu_seconds, uint64_t address_space) {
    return (pg_limits){cpu_seconds, address_space, 1u << 20, 64, 0};
}

static int set_limit(int resource, rlim_t soft, rlim_t hard) {
    struct rlimit rl = {soft, hard};
    return setrlimit(resource, &rl);
}

int pg_sandbox_apply_limits(const pg_limits *l) {
    // First every limit as the worker recorded it at start, so that no
    // child inherits what an earlier one might have changed; then the job's.
    if (pg_limits_restore()) return -1;
    // No core file.
    if (set_limit(RLIMIT_CORE, 0, 0)) return -1;
    // CPU: SIGXCPU at the soft limit, SIGKILL a second later.
    rlim_t cpu = (rlim_t)ceil(l->cpu_seconds > 0 ? l->cpu_seconds : 1);
    if (set_limit(RLIMIT_CPU, cpu, cpu + 1)) return -1;
    // Memory, files written, descriptors and processes: the job's figures
    // (0: the recorded limit stays).
    if (l->address_space && set_limit(RLIMIT_AS, l->address_space, l->address_space)) return -1;
    if (l->file_size && set_limit(RLIMIT_FSIZE, l->file_size, l->file_size)) return -1;
    if (l->open_files && set_limit(RLIMIT_NOFILE, l->open_files, l->open_files)) return -1;
    if (l->processes && set_limit(RLIMIT_NPROC, l->processes, l->processes)) return -1;
    return 0;
}
