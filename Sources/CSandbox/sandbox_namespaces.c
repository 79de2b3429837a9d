// The worker's namespaces (user, network, IPC, UTS, mount, PID), entered
// once before Python starts, the zygote forked into the new PID namespace,
// and a /proc of its own.
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Runs in the worker before Python starts (single-threaded). Enters the
   namespaces, then forks the zygote: after unshare(CLONE_NEWPID) the next
   fork is PID 1 of the new namespace, so the zygote (this function's caller,
   in the child) is that PID 1 and forks every job. The original process
   only waits, cleans a scratch folder that is not a private mount, and exits
   with the zygote's status. */
int pg_sandbox_enter(void) {
    for (int i = 0; i < PG_LAYER_COUNT; i++) pg_set_layer(i, 0, "not set up");
    uid_t uid = geteuid();
    gid_t gid = getegid();

    // The user namespace first: the others are then owned by it, which is
    // what lets a non-root user create them.
    if (pg_layer_disabled(PG_LAYER_USERNS)) {
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
            pg_set_layer(PG_LAYER_USERNS, 1, "uid 0 inside is uid %u outside, the only uid mapped", (unsigned)uid);
        else
            pg_set_layer(PG_LAYER_USERNS, 0, "entered, but the uid map failed (%s)", strerror(errno));
    } else {
        pg_set_layer(PG_LAYER_USERNS, 0, "%s", errno_reason(errno));
    }
    static const struct { int layer; int flag; } spaces[] = {
        {PG_LAYER_NETNS, CLONE_NEWNET}, {PG_LAYER_IPCNS, CLONE_NEWIPC}, {PG_LAYER_UTSNS, CLONE_NEWUTS},
        {PG_LAYER_MOUNTNS, CLONE_NEWNS}, {PG_LAYER_PIDNS, CLONE_NEWPID},
    };
    for (size_t i = 0; i < sizeof spaces / sizeof spaces[0]; i++) {
        if (pg_layer_disabled(spaces[i].layer)) continue;
        if (unshare(spaces[i].flag) == 0)
            pg_set_layer(spaces[i].layer, 1, "private");
        else
            pg_set_layer(spaces[i].layer, 0, "%s", errno_reason(errno));
    }
    if (pg_layer_active(PG_LAYER_NETNS)) pg_set_layer(PG_LAYER_NETNS, 1, "no interfaces but a down loopback");
    if (pg_layer_active(PG_LAYER_UTSNS)) sethostname("pygrade", 7);

    pg_scratch_create(pg_layer_active(PG_LAYER_MOUNTNS));

    fflush(NULL);
    pid_t zygote = fork();
    if (zygote < 0) {
        if (pg_layer_active(PG_LAYER_PIDNS)) pg_set_layer(PG_LAYER_PIDNS, 0, "fork after unshare failed: %s", strerror(errno));
        return 0;  // carry on in this process, without the PID namespace
    }
    if (zygote == 0) {
        // Dies with the waiting parent, which dies with the orchestrator.
        // (Should the parent die before this line, the zygote still ends:
        // its request pipe closes with the orchestrator.)
        prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
        if (pg_layer_active(PG_LAYER_PIDNS))
            pg_set_layer(PG_LAYER_PIDNS, 1, "the worker is PID %d of its own PID namespace", (int)getpid());
        return 0;
    }
    // The parent keeps no end of the protocol pipes, so EOF still means
    // the worker is gone.
    for (int fd = 0; fd < 1024; fd++)
        if (fd != 2) close(fd);
    int status = 0;
    while (waitpid(zygote, &status, 0) < 0 && errno == EINTR) {}
    pg_scratch_remove_folder();
    _exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
}

/* The flags a remount of `path`'s mount must keep: in a user namespace the
   kernel refuses a remount that would drop one it locked (nosuid, nodev,
   noexec, the access-time mode). */
static unsigned long kept_flags(const char *path) {
    struct statvfs s;
    if (statvfs(path, &s) != 0) return 0;
    unsigned long flags = 0;
    if (s.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (s.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (s.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (s.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (s.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (s.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    return flags;
}

/* Found by the attacker (round four): the normal run's child read stdlib
   files to set their access time (relatime updates one a day old), and the
   visible-only run's child, started next, stat()ed them: a bit of a hidden
   input per file, printed in a report. A read-only mount updates no access
   time. */
int pg_sandbox_read_only_library(const char *const *paths, int count) {
    if (pg_layer_disabled(PG_LAYER_READ_ONLY_LIBRARY)) return -1;
    if (!pg_layer_active(PG_LAYER_MOUNTNS)) {
        pg_set_layer(PG_LAYER_READ_ONLY_LIBRARY, 0, "no mount namespace of its own");
        return -1;
    }
    int made = 0;
    for (int i = 0; i < count; i++) {
        struct stat st;
        if (!paths[i] || stat(paths[i], &st) != 0 || !S_ISDIR(st.st_mode)) continue;  // a zip that does not exist
        if (mount(paths[i], paths[i], NULL, MS_BIND | MS_REC, NULL) != 0 ||
            mount(NULL, paths[i], NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | kept_flags(paths[i]), NULL) != 0) {
            pg_set_layer(PG_LAYER_READ_ONLY_LIBRARY, 0, "%s cannot be made read-only: %s", paths[i], strerror(errno));
            return -1;
        }
        made++;
    }
    pg_set_layer(PG_LAYER_READ_ONLY_LIBRARY, 1, "the %d module folder%s a job may read, read-only: no read updates an access time",
                 made, made == 1 ? "" : "s");
    return 0;
}

int pg_sandbox_mount_proc(void) {
    if (!pg_layer_active(PG_LAYER_PIDNS) || !pg_layer_active(PG_LAYER_MOUNTNS)) return -1;
    int rc = mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
    pg_set_layer(PG_LAYER_PIDNS, 1, "the worker is PID 1 of its own PID namespace%s",
                 rc == 0 ? ", with a /proc of its own (each test's peak memory is read there)"
                      : "; its /proc is not its own, so peak memory is known only for a test that ends its child");
    return rc;
}
