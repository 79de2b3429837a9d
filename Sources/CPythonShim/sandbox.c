// The sandbox layers (README, "Sandbox"). The worker enters
// its namespaces once, before Python starts; each job child then applies
// no_new_privs, Landlock, seccomp and drops its capabilities. Every layer
// records whether it is active and, when not, why: nothing is skipped
// silently (README "Sandbox").
#include "CPythonShim.h"

#include <dirent.h>
#include <errno.h>
#include <malloc.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

/* Landlock, declared here: Debian 12's headers predate the running kernel's
   ABI, so the rights are built from the ABI the kernel reports at run time. */
#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#define PG_LL_CREATE_RULESET_VERSION (1U << 0)
#define PG_LL_RULE_PATH_BENEATH 1
#define PG_LL_FS_EXECUTE (1ULL << 0)
#define PG_LL_FS_READ_FILE (1ULL << 2)
#define PG_LL_FS_READ_DIR (1ULL << 3)
#define PG_LL_FS_MAKE_CHAR (1ULL << 6)
#define PG_LL_FS_MAKE_BLOCK (1ULL << 11)
#define PG_LL_FS_REFER (1ULL << 13)
#define PG_LL_FS_TRUNCATE (1ULL << 14)
#define PG_LL_FS_IOCTL_DEV (1ULL << 15)
#define PG_LL_NET_BIND_TCP (1ULL << 0)
#define PG_LL_NET_CONNECT_TCP (1ULL << 1)
#define PG_LL_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define PG_LL_SCOPE_SIGNAL (1ULL << 1)

struct pg_ll_ruleset_attr {
    uint64_t handled_access_fs;
    uint64_t handled_access_net;
    uint64_t scoped;
};

struct pg_ll_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

static pg_layer layers[PG_LAYER_COUNT];
static const char *const layer_names[PG_LAYER_COUNT] = {
    [PG_LAYER_USERNS] = "userns",
    [PG_LAYER_PIDNS] = "pidns",
    [PG_LAYER_NETNS] = "netns",
    [PG_LAYER_MOUNTNS] = "mountns",
    [PG_LAYER_IPCNS] = "ipcns",
    [PG_LAYER_UTSNS] = "utsns",
    [PG_LAYER_SCRATCH] = "scratch",
    [PG_LAYER_LANDLOCK] = "landlock",
    [PG_LAYER_NO_NEW_PRIVS] = "no_new_privs",
    [PG_LAYER_SECCOMP] = "seccomp",
    [PG_LAYER_CAPABILITIES] = "drop-capabilities",
    [PG_LAYER_RLIMITS] = "rlimits",
    [PG_LAYER_FDS] = "closed-descriptors",
    [PG_LAYER_ENV] = "scrubbed-environment",
    [PG_LAYER_PGRP] = "process-group",
    [PG_LAYER_PROCESS] = "process-per-exercise",
    [PG_LAYER_WALL] = "wall-clock-kill",
    [PG_LAYER_MEMORY_SCRUB] = "scrubbed-memory",
    [PG_LAYER_ZYGOTE] = "zygote-per-exercise",
    [PG_LAYER_SCRATCH_RESET] = "scratch-reset",
    [PG_LAYER_CHANNEL_GUARD] = "channel-guard",
    [PG_LAYER_OTHERS_GUARD] = "others-untouchable",
};

static char scratch_path[256] = "";
static int scratch_is_mount = 0;
/* The root of the scratch mount the Landlock ruleset was built for, held
   open: another process of the worker (another exercise's zygote) may have
   put a fresh tmpfs there, and while this is held the old one's device
   number cannot be handed to a new mount, so comparing the two tells. */
static int scratch_root_fd = -1;
static int landlock_fd = -1;

static void set_layer(int i, int active, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void set_layer(int i, int active, const char *fmt, ...) {
    layers[i].name = layer_names[i];
    layers[i].active = active;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(layers[i].detail, sizeof layers[i].detail, fmt, ap);
    va_end(ap);
}

const pg_layer *pg_sandbox_layer(int i) { return i >= 0 && i < PG_LAYER_COUNT ? &layers[i] : NULL; }
const char *pg_sandbox_scratch(void) { return scratch_path; }

/* PYGRADE_SANDBOX_DISABLE=landlock,netns,... leaves those layers out, to
   see how a machine without them behaves (tests, doctor); a layer left out
   is reported missing like any other. */
static int disabled(int layer) {
    const char *list = getenv("PYGRADE_SANDBOX_DISABLE");
    if (!list) return 0;
    size_t n = strlen(layer_names[layer]);
    for (const char *p = list; (p = strstr(p, layer_names[layer])); p += n)
        if ((p == list || p[-1] == ',') && (p[n] == 0 || p[n] == ',')) {
            set_layer(layer, 0, "disabled by PYGRADE_SANDBOX_DISABLE");
            return 1;
        }
    return 0;
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static const char *errno_reason(int e) {
    switch (e) {
    case EPERM: return "not permitted (needs root, or unprivileged user namespaces)";
    case EINVAL: return "not supported by this kernel";
    case ENOSPC: return "the namespace limit is reached (user.max_*_namespaces)";
    case ENOSYS: return "the kernel lacks this system call";
    case EOPNOTSUPP: return "disabled in this kernel (boot options)";
    case EUSERS: return "too many nested user namespaces";
    default: return strerror(e);
    }
}

static int remove_tree(const char *path, int keep_top);

/* Runs in the worker before Python starts (single-threaded). Enters the
   namespaces, then forks the zygote: after unshare(CLONE_NEWPID) the next
   fork is PID 1 of the new namespace, so the zygote (this function's caller,
   in the child) is that PID 1 and forks every job. The original process
   only waits, cleans a scratch folder that is not a private mount, and exits
   with the zygote's status. */
int pg_sandbox_enter(void) {
    for (int i = 0; i < PG_LAYER_COUNT; i++) set_layer(i, 0, "not set up");
    uid_t uid = geteuid();
    gid_t gid = getegid();

    // The user namespace first: the others are then owned by it, which is
    // what lets a non-root user create them.
    if (disabled(PG_LAYER_USERNS)) {
    } else if (unshare(CLONE_NEWUSER) == 0) {
        // A process may map only its own uid into the namespace it just
        // made (mapping root to nobody would need a helper outside it), so
        // uid 0 inside is the caller outside; without its capabilities
        // (dropped in every job), Landlock is what keeps it off the files.
        char map[64];
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
        int ok = write_file("/proc/self/setgroups", "deny") == 0 || errno == ENOENT;
        ok = ok && write_file("/proc/self/uid_map", map) == 0;
        snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
        ok = ok && write_file("/proc/self/gid_map", map) == 0;
        if (ok)
            set_layer(PG_LAYER_USERNS, 1, "uid 0 inside is uid %u outside, the only uid mapped", (unsigned)uid);
        else
            set_layer(PG_LAYER_USERNS, 0, "entered, but the uid map failed (%s)", strerror(errno));
    } else {
        set_layer(PG_LAYER_USERNS, 0, "%s", errno_reason(errno));
    }
    static const struct { int layer; int flag; } spaces[] = {
        {PG_LAYER_NETNS, CLONE_NEWNET}, {PG_LAYER_IPCNS, CLONE_NEWIPC}, {PG_LAYER_UTSNS, CLONE_NEWUTS},
        {PG_LAYER_MOUNTNS, CLONE_NEWNS}, {PG_LAYER_PIDNS, CLONE_NEWPID},
    };
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        if (disabled(spaces[i].layer)) continue;
        if (unshare(spaces[i].flag) == 0)
            set_layer(spaces[i].layer, 1, "private");
        else
            set_layer(spaces[i].layer, 0, "%s", errno_reason(errno));
    }
    if (layers[PG_LAYER_NETNS].active) set_layer(PG_LAYER_NETNS, 1, "no interfaces but a down loopback");
    if (layers[PG_LAYER_UTSNS].active) sethostname("pygrade", 7);

    // The scratch folder: an empty tmpfs (size-capped, so a disk fill ends
    // there) over /tmp in the private mount namespace, invisible outside and
    // gone with the worker; else a fresh folder under /tmp.
    if (layers[PG_LAYER_MOUNTNS].active && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mount("pygrade-scratch", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,nr_inodes=4096,mode=1777") == 0) {
        snprintf(scratch_path, sizeof scratch_path, "/tmp");
        scratch_is_mount = 1;
        set_layer(PG_LAYER_SCRATCH, 1, "/tmp is a private 64 MiB tmpfs");
    } else {
        int why = errno;
        snprintf(scratch_path, sizeof scratch_path, "/tmp/pygrade-scratch-XXXXXX");
        if (mkdtemp(scratch_path)) {
            set_layer(PG_LAYER_SCRATCH, 1, "%s (not a private mount: %s)", scratch_path,
                      layers[PG_LAYER_MOUNTNS].active ? strerror(why) : "no mount namespace");
        } else {
            set_layer(PG_LAYER_SCRATCH, 0, "cannot create a scratch folder: %s", strerror(errno));
            scratch_path[0] = 0;
        }
    }

    fflush(NULL);
    pid_t zygote = fork();
    if (zygote < 0) {
        if (layers[PG_LAYER_PIDNS].active) set_layer(PG_LAYER_PIDNS, 0, "fork after unshare failed: %s", strerror(errno));
        return 0;  // carry on in this process, without the PID namespace
    }
    if (zygote == 0) {
        // Dies with the waiting parent, which dies with the orchestrator.
        // (Should the parent die before this line, the zygote still ends:
        // its request pipe closes with the orchestrator.)
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (layers[PG_LAYER_PIDNS].active)
            set_layer(PG_LAYER_PIDNS, 1, "the worker is PID %d of its own PID namespace", (int)getpid());
        return 0;
    }
    // The parent keeps no end of the protocol pipes, so EOF still means
    // the worker is gone.
    for (int fd = 0; fd < 1024; fd++)
        if (fd != 2) close(fd);
    int status = 0;
    while (waitpid(zygote, &status, 0) < 0 && errno == EINTR) {}
    if (scratch_path[0] && !scratch_is_mount) remove_tree(scratch_path, 0);
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* ---- Scratch. ---- */

static int remove_entries(int dirfd) {
    DIR *d = fdopendir(dirfd);
    if (!d) { close(dirfd); return -1; }
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        if (unlinkat(dirfd, e->d_name, 0) == 0) continue;
        int sub = openat(dirfd, e->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (sub >= 0) {
            // A directory the candidate made unreadable: make it ours again.
            fchmod(sub, 0700);
            remove_entries(sub);
        }
        unlinkat(dirfd, e->d_name, AT_REMOVEDIR);
    }
    closedir(d);
    return 0;
}

static int remove_tree(const char *path, int keep_top) {
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return -1;
    remove_entries(fd);
    return keep_top ? 0 : rmdir(path);
}

/* Whether scratch holds nothing: one read of its entries. */
static int scratch_is_empty(void) {
    DIR *d = opendir(scratch_path);
    if (!d) return 0;
    struct dirent *e;
    int empty = 1;
    while ((e = readdir(d)))
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
            empty = 0;
            break;
        }
    closedir(d);
    return empty;
}

static int landlock_abi = -1;
static int landlock_build(void);

/* Scratch is reset, not cleaned: a candidate can make a tree too deep (or
   too wide, or unreadable) for any walk to remove. A job that left nothing
   costs one read of the folder. Otherwise, with scratch a private mount, a
   fresh tmpfs replaces it (the old one, detached, goes with its last user)
   and the Landlock ruleset is built again for the new folder; without one,
   the tree is removed and the folder must then be empty. Either way the
   result is checked, and a scratch that is not empty is reported (-1): the
   worker stops rather than hand it to the next candidate. */
int pg_sandbox_reset_scratch(void) {
    if (!scratch_path[0]) return 0;
    if (!scratch_is_empty()) {
        if (scratch_is_mount) {
            umount2(scratch_path, MNT_DETACH);
            if (mount("pygrade-scratch", scratch_path, "tmpfs", MS_NOSUID | MS_NODEV, "size=64m,nr_inodes=4096,mode=1777") !=
                0)
                return -1;
        } else {
            remove_tree(scratch_path, 1);
        }
        if (!scratch_is_empty()) return -1;
    }
    // Another process of this worker (another exercise's zygote) may have
    // put a fresh tmpfs there: the ruleset must name the one there now.
    struct stat now, built;
    if (scratch_is_mount && landlock_fd >= 0) {
        if (stat(scratch_path, &now) != 0) return -1;
        if (scratch_root_fd < 0 || fstat(scratch_root_fd, &built) != 0 || built.st_dev != now.st_dev ||
            built.st_ino != now.st_ino)
            if (landlock_build() != 0) return -1;
    }
    return 0;
}

/* ---- Landlock: built once in the worker, applied in each child. ---- */

/* What the ruleset allows, kept for building it again (a new scratch). */
static char **landlock_paths;
static int landlock_path_count;

/* The ruleset: read-only `landlock_paths`, read-write scratch as it is
   mounted now, no TCP, signals and abstract sockets scoped. Replaces
   landlock_fd. 0, or -1 with the layer marked missing. */
static int landlock_build(void) {
    long abi = landlock_abi;
    struct pg_ll_ruleset_attr attr = {0};
    attr.handled_access_fs = (1ULL << 13) - 1;  // ABI 1: execute .. make_sym
    if (abi >= 2) attr.handled_access_fs |= PG_LL_FS_REFER;
    if (abi >= 3) attr.handled_access_fs |= PG_LL_FS_TRUNCATE;
    if (abi >= 5) attr.handled_access_fs |= PG_LL_FS_IOCTL_DEV;
    size_t size = 8;
    if (abi >= 4) {
        // No rule allows any TCP port: bind and connect are refused even
        // where there is no network namespace.
        attr.handled_access_net = PG_LL_NET_BIND_TCP | PG_LL_NET_CONNECT_TCP;
        size = 16;
    }
    if (abi >= 6) {
        // Signals and abstract sockets stay inside the job's own domain.
        attr.scoped = PG_LL_SCOPE_ABSTRACT_UNIX_SOCKET | PG_LL_SCOPE_SIGNAL;
        size = 24;
    }
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        set_layer(PG_LAYER_LANDLOCK, 0, "landlock_create_ruleset: %s", strerror(errno));
        return -1;
    }
    char allowed[160] = "";
    int readable = 0;
    for (int i = 0; i < landlock_path_count; i++) {
        struct pg_ll_path_beneath_attr rule = {PG_LL_FS_READ_FILE | PG_LL_FS_READ_DIR, -1};
        rule.parent_fd = open(landlock_paths[i], O_PATH | O_CLOEXEC);
        if (rule.parent_fd < 0) continue;  // sys.path names a zip that does not exist
        if (syscall(SYS_landlock_add_rule, fd, PG_LL_RULE_PATH_BENEATH, &rule, 0) == 0) {
            readable++;
            if (readable == 1) snprintf(allowed, sizeof allowed, "%s", landlock_paths[i]);
        }
        close(rule.parent_fd);
    }
    int scratch_ok = 0;
    if (scratch_path[0]) {
        struct pg_ll_path_beneath_attr rule = {
            attr.handled_access_fs & ~(PG_LL_FS_EXECUTE | PG_LL_FS_MAKE_CHAR | PG_LL_FS_MAKE_BLOCK | PG_LL_FS_IOCTL_DEV), -1};
        rule.parent_fd = open(scratch_path, O_PATH | O_CLOEXEC);
        if (rule.parent_fd >= 0) {
            scratch_ok = syscall(SYS_landlock_add_rule, fd, PG_LL_RULE_PATH_BENEATH, &rule, 0) == 0;
            // Kept (far from a child's descriptors, which close it).
            int kept = fcntl(rule.parent_fd, F_DUPFD_CLOEXEC, 800);
            if (kept < 0) kept = fcntl(rule.parent_fd, F_DUPFD_CLOEXEC, 16);
            close(rule.parent_fd);
            if (scratch_root_fd >= 0) close(scratch_root_fd);
            scratch_root_fd = kept;
        }
    }
    // Far from the descriptors a child keeps, so close_range spares it only
    // until the child has used it.
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 900);
    if (high < 0) high = fcntl(fd, F_DUPFD_CLOEXEC, 16);  // RLIMIT_NOFILE below 901
    close(fd);
    if (high < 0) {
        set_layer(PG_LAYER_LANDLOCK, 0, "cannot keep the ruleset: %s", strerror(errno));
        return -1;
    }
    if (landlock_fd >= 0 && landlock_fd != high) close(landlock_fd);
    landlock_fd = high;
    set_layer(PG_LAYER_LANDLOCK, 1, "ABI %ld: read-only %s%s, read-write %s, nothing else%s", abi, allowed,
              readable > 1 ? " (and the rest of sys.path)" : "", scratch_ok ? scratch_path : "(no scratch)",
              abi >= 6 ? "; TCP, signals and abstract sockets scoped" : abi >= 4 ? "; TCP refused" : "");
    return 0;
}

int pg_sandbox_prepare_landlock(const char *const *read_paths, int count) {
    if (disabled(PG_LAYER_LANDLOCK)) return -1;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, PG_LL_CREATE_RULESET_VERSION);
    if (abi < 0) {
        set_layer(PG_LAYER_LANDLOCK, 0, "%s", errno == ENOSYS ? "the kernel has no Landlock"
                                              : errno == EOPNOTSUPP ? "Landlock is disabled in this kernel (lsm= boot option)"
                                                                    : strerror(errno));
        return -1;
    }
    landlock_abi = (int)abi;
    landlock_paths = calloc((size_t)count + 1, sizeof *landlock_paths);
    if (!landlock_paths) return -1;
    for (int i = 0; i < count; i++)
        if ((landlock_paths[landlock_path_count] = strdup(read_paths[i]))) landlock_path_count++;
    return landlock_build();
}

/* ---- seccomp. ---- */

/* Calls no grading needs and an attack would: the child is killed (SIGSYS,
   graded sandbox_violation). */
static const char *const killed_calls[] = {
    "execve", "execveat", "ptrace", "process_vm_readv", "process_vm_writev", "mount", "umount2", "pivot_root",
    "chroot", "unshare", "setns", "bpf", "perf_event_open", "keyctl", "add_key", "request_key", "kexec_load",
    "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
    "io_uring_setup", "io_uring_enter", "io_uring_register", "userfaultfd", "acct", "settimeofday", "clock_settime",
    "clock_adjtime", "adjtimex", "sethostname", "setdomainname", "iopl", "ioperm", "fanotify_init",
    "open_by_handle_at", "name_to_handle_at", "quotactl", "syslog", "move_mount", "open_tree", "fsopen", "fsmount",
    "fsconfig", "fspick", "mount_setattr", "pidfd_send_signal", "pidfd_getfd", "kcmp", "vhangup", "lookup_dcookie",
    "personality", "rt_sigqueueinfo", "rt_tgsigqueueinfo", "tkill", "migrate_pages", "move_pages", "mbind",
    "set_mempolicy", "set_mempolicy_home_node", "pidfd_open", "process_madvise", "process_mrelease",
};

static struct sock_fprog seccomp_program;

/* Built once in the worker with libseccomp and exported as BPF, so that a
   child only hands the program to the kernel (no allocation after fork). */
int pg_sandbox_prepare_seccomp(void) {
    set_layer(PG_LAYER_CHANNEL_GUARD, 0, "needs the seccomp layer");
    set_layer(PG_LAYER_OTHERS_GUARD, 0, "needs the seccomp layer");
    if (disabled(PG_LAYER_SECCOMP)) return -1;
    if (prctl(PR_GET_SECCOMP, 0, 0, 0, 0) < 0) {
        set_layer(PG_LAYER_SECCOMP, 0, "the kernel has no seccomp (CONFIG_SECCOMP)");
        return -1;
    }
    uint32_t action = SECCOMP_RET_KILL_PROCESS;
    if (syscall(SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) != 0) {
        set_layer(PG_LAYER_SECCOMP, 0, "the kernel has no seccomp filters with kill-process (%s)", strerror(errno));
        return -1;
    }
    scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
    if (!ctx) {
        set_layer(PG_LAYER_SECCOMP, 0, "libseccomp could not start a filter");
        return -1;
    }
    // A binary search on the syscall number rather than a linear scan: each
    // job child's attach (where the kernel runs the filter over every
    // syscall number to cache which are always allowed) and each syscall a
    // candidate makes go through a few comparisons, not all of them.
    // Older libseccomp (before 2.5) lacks the attribute: the same rules then
    // run as a linear scan, and doctor says so.
    int tree = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2) == 0;
    int rc = 0;
    for (size_t i = 0; i < sizeof killed_calls / sizeof killed_calls[0]; i++) {
        int nr = seccomp_syscall_resolve_name(killed_calls[i]);
        if (nr == __NR_SCMP_ERROR) continue;  // not on this architecture
        rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, nr, 0);
    }
    // No new processes: fork, vfork, and clone without CLONE_THREAD fail
    // with EPERM (threads stay possible); clone3 says ENOSYS so that glibc
    // falls back to clone, whose flags a filter can read.
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(fork), 0);
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(vfork), 0);
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), SCMP_SYS(clone), 1, SCMP_A0(SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
    // No network: creating a socket fails (a local socketpair stays possible).
    rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 0);
    // No System V IPC and no POSIX message queues: a queue, segment or
    // semaphore set outlives its job, and the worker's IPC namespace is
    // shared by every job it runs, so it would carry data from one
    // candidate to the next. The calls fail. (Landlock also refuses
    // mq_open, but a machine may lack Landlock.)
    static const char *const ipc_calls[] = {"msgget",        "msgsnd",          "msgrcv",    "msgctl",       "shmget",
                                            "shmat",         "shmdt",           "shmctl",    "semget",       "semop",
                                            "semtimedop",    "semctl",          "ipc",       "mq_open",      "mq_unlink",
                                            "mq_timedsend",  "mq_timedreceive", "mq_notify", "mq_getsetattr"};
    for (size_t i = 0; i < sizeof ipc_calls / sizeof ipc_calls[0]; i++) {
        int nr = seccomp_syscall_resolve_name(ipc_calls[i]);
        if (nr != __NR_SCMP_ERROR) rc |= seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
    }
    // The channel guard: fd 3 carries the job's frames, and a candidate
    // who could move it (dup it away, put a file in its place, close it,
    // make it non-blocking) could send frames of its own choosing in place
    // of the harness's. Writing on it stays possible: a frame is a claim,
    // checked by the worker. Any other use kills the job.
    const int rfd = PG_RESULT_FD;
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(dup), 1, SCMP_A0(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(dup2), 1, SCMP_A0(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(dup2), 1, SCMP_A1(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(dup3), 1, SCMP_A0(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(dup3), 1, SCMP_A1(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(close), 1, SCMP_A0(SCMP_CMP_EQ, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(close_range), 2, SCMP_A0(SCMP_CMP_LE, rfd),
                           SCMP_A1(SCMP_CMP_GE, rfd));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(ioctl), 1, SCMP_A0(SCMP_CMP_EQ, rfd));
    // fcntl: only F_GETFD (1) and F_GETFL (3) on it.
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(fcntl), 2, SCMP_A0(SCMP_CMP_EQ, rfd),
                           SCMP_A1(SCMP_CMP_EQ, F_DUPFD));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(fcntl), 2, SCMP_A0(SCMP_CMP_EQ, rfd),
                           SCMP_A1(SCMP_CMP_EQ, F_SETFD));
    rc |= seccomp_rule_add(ctx, SCMP_ACT_KILL_PROCESS, SCMP_SYS(fcntl), 2, SCMP_A0(SCMP_CMP_EQ, rfd),
                           SCMP_A1(SCMP_CMP_GT, F_GETFL));
    int pipefd[2];
    if (rc || pipe2(pipefd, O_CLOEXEC) != 0) {
        seccomp_release(ctx);
        set_layer(PG_LAYER_SECCOMP, 0, "libseccomp refused a rule (%d)", rc);
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
        set_layer(PG_LAYER_SECCOMP, 0, "libseccomp could not export the filter (%d)", rc);
        return -1;
    }
    seccomp_program.len = (unsigned short)(got / sizeof(struct sock_filter));
    seccomp_program.filter = code;
    set_layer(PG_LAYER_CHANNEL_GUARD, 1,
              "fd 3 (the result channel) can only be written: dup, dup2/dup3 onto or from it, close, fcntl and ioctl "
              "on it kill the job");
    set_layer(PG_LAYER_OTHERS_GUARD, 1,
              "a job child cannot change another process's limits or scheduling (prlimit, setpriority, "
              "sched_set*, ioprio_set fail on any pid but its own) and starts from the worker's recorded limits");
    set_layer(PG_LAYER_SECCOMP, 1,
              "%u BPF instructions (%s): exec, ptrace, mount, namespaces, bpf, keyctl, io_uring... kill the job; fork, "
              "socket, System V IPC and POSIX message queues fail; signals reach only the job itself",
              (unsigned)seccomp_program.len, tree ? "a binary search on the call number" : "a linear scan");
    return 0;
}

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
static int load_process_filter(pid_t self) {
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

/* ---- In each job child, after its descriptors are in place. ---- */

int pg_sandbox_apply_child(char *why, size_t whylen) {
    // Into the very folder the Landlock ruleset names (held open when it was
    // built), not whatever the path names now: another exercise's zygote in
    // this worker may have mounted a fresh scratch there since.
    int in_scratch = scratch_root_fd >= 0 ? fchdir(scratch_root_fd) : scratch_path[0] ? chdir(scratch_path) : 0;
    if (in_scratch != 0) {
        snprintf(why, whylen, "chdir to scratch: %s", strerror(errno));
        return -1;
    }
    clearenv();
    umask(077);
    // Not dumpable: no core, and its /proc entries belong to nobody else.
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
        snprintf(why, whylen, "no_new_privs: %s", strerror(errno));
        return -1;
    }
    if (landlock_fd >= 0) {
        if (syscall(SYS_landlock_restrict_self, landlock_fd, 0) != 0) {
            snprintf(why, whylen, "landlock_restrict_self: %s", strerror(errno));
            return -1;
        }
        close(landlock_fd);
    }
    // Whatever capabilities the user namespace gave: none left.
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &head, data) != 0) {
        snprintf(why, whylen, "capset: %s", strerror(errno));
        return -1;
    }
    if (seccomp_program.len) {
        if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &seccomp_program) != 0 || load_process_filter(getpid()) != 0) {
            snprintf(why, whylen, "seccomp: %s", strerror(errno));
            return -1;
        }
    }
    return 0;
}

void pg_sandbox_note_child_layers(void) {
    set_layer(PG_LAYER_NO_NEW_PRIVS, 1, "set in every job child");
    set_layer(PG_LAYER_CAPABILITIES, 1, "every capability dropped in every job child");
    set_layer(PG_LAYER_RLIMITS, 1, "CPU (hard = soft + 1), address space, file size, open files, core = 0");
    set_layer(PG_LAYER_FDS, 1, "a job child keeps stdin (/dev/null), its output pipe and its result pipe only");
    set_layer(PG_LAYER_ENV, 1, "a job child has an empty environment");
    set_layer(PG_LAYER_PGRP, 1, "a job child leads its own process group, killed whole");
    set_layer(PG_LAYER_PROCESS, 1, "a fresh process per exercise, forked from the worker");
    set_layer(PG_LAYER_WALL, 1,
              "the worker kills a job past its wall-clock limit, and stops an exercise past its wall budget");
    set_layer(PG_LAYER_ZYGOTE, 1,
              "each exercise's inputs are built in a zygote of their own, which forks that exercise's job children: a "
              "child holds no other exercise's inputs; compile children hold none");
    if (scratch_path[0])
        set_layer(PG_LAYER_SCRATCH_RESET, 1, "%s",
                  scratch_is_mount ? "a job that left anything in scratch is followed by a fresh tmpfs; a scratch that "
                                     "is not empty stops the worker"
                                   : "scratch is emptied after every job and checked; a scratch that is not empty stops "
                                     "the worker");
    else
        set_layer(PG_LAYER_SCRATCH_RESET, 0, "no scratch folder");
}

int pg_sandbox_mount_proc(void) {
    if (!layers[PG_LAYER_PIDNS].active || !layers[PG_LAYER_MOUNTNS].active) return -1;
    int rc = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    set_layer(PG_LAYER_PIDNS, 1, "the worker is PID 1 of its own PID namespace%s",
              rc == 0 ? ", with a /proc of its own (each test's peak memory is read there)"
                      : "; its /proc is not its own, so peak memory is known only for a test that ends its child");
    return rc;
}

/* Looks at a block after free(): what is left of it (past the allocator's
   own pointers at its start) must not be what was written. A small block
   (the thread cache's size class) and a larger one. */
__attribute__((noinline)) static int freed_block_keeps(size_t size) {
    uint8_t *p = malloc(size);
    // A block after it: the freed one cannot merge into the top of the heap,
    // which malloc may give back to the kernel (reading it would fault).
    void *guard = malloc(64);
    if (!p || !guard) {
        free(p);
        free(guard);
        return 1;
    }
    volatile uint8_t *look = p;
    for (size_t i = 0; i < size; i++) look[i] = 0x11;  // volatile: not a dead store before free()
    free(p);
    int kept = 0;
    for (size_t i = 32; i + 16 < size; i++) kept += look[i] == 0x11;
    free(guard);
    return kept > 0;
}

int pg_sandbox_check_memory_scrub(void) {
    if (disabled(PG_LAYER_MEMORY_SCRUB)) {
        mallopt(M_PERTURB, 0);
        return -1;
    }
    if (freed_block_keeps(200) || freed_block_keeps(4000)) {
        set_layer(PG_LAYER_MEMORY_SCRUB, 0,
                  "malloc keeps freed bytes (GLIBC_TUNABLES ignored: not glibc >= 2.26, or a setuid binary)");
        return -1;
    }
    set_layer(PG_LAYER_MEMORY_SCRUB, 1,
              "the worker's malloc overwrites what is freed and its stack is wiped before each fork: no candidate's "
              "bytes reach the next one's child");
    return 0;
}
