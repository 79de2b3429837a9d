// The Landlock ruleset: built once in the worker (and again for a new
// scratch mount), applied in each job child (sandbox_child.c). What it
// allows is the policy's (sandbox_policy.c); every right the kernel's ABI
// knows is handled, so whatever the policy does not allow is refused.
#include "sandbox_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* The root of the scratch mount the Landlock ruleset was built for, held
   open: another process of the worker (another exercise's zygote) may have
   put a fresh tmpfs there, and while this is held the old one's device
   number cannot be handed to a new mount, so comparing the two tells. */
int pg_scratch_root_fd = -1;
int pg_landlock_fd = -1;

static int landlock_abi = -1;

/* What the ruleset allows, kept for building it again (a new scratch). */
static char **landlock_paths;
static int landlock_path_count;

/* The ruleset: read-only `landlock_paths`, read-write scratch as it is
   mounted now, no TCP, signals and abstract sockets scoped. Replaces
   pg_landlock_fd. 0, or -1 with the layer marked missing. */
static int landlock_build(void) {
    long abi = landlock_abi;
    struct pg_ll_ruleset_attr attr = {0};
    attr.handled_access_fs = (1ULL << 13) - 1;  // ABI 1: execute .. make_sym
    if (abi >= 2) attr.handled_access_fs |= PG_LL_FS_REFER;
    if (abi >= 3) attr.handled_access_fs |= PG_LL_FS_TRUNCATE;
    if (abi >= 5) attr.handled_access_fs |= PG_LL_FS_IOCTL_DEV;
    size_t size = 8;
    if (abi >= 4) {
        attr.handled_access_net = pg_policy_landlock.net_refused;
        size = 16;
    }
    if (abi >= 6) {
        attr.scoped = pg_policy_landlock.scoped;
        size = 24;
    }
    int fd = (int)syscall(SYS_landlock_create_ruleset, &attr, size, 0);
    if (fd < 0) {
        pg_set_layer(PG_LAYER_LANDLOCK, 0, "landlock_create_ruleset: %s", strerror(errno));
        return -1;
    }
    char allowed[160] = "";
    int readable = 0;
    for (int i = 0; i < landlock_path_count; i++) {
        struct pg_ll_path_beneath_attr rule = {pg_policy_landlock.read_only, -1};
        rule.parent_fd = open(landlock_paths[i], O_PATH | O_CLOEXEC);
        if (rule.parent_fd < 0) continue;  // sys.path names a zip that does not exist
        if (syscall(SYS_landlock_add_rule, fd, PG_LL_RULE_PATH_BENEATH, &rule, 0) == 0) {
            readable++;
            if (readable == 1) snprintf(allowed, sizeof allowed, "%s", landlock_paths[i]);
        }
        close(rule.parent_fd);
    }
    int scratch_ok = 0;
    if (pg_scratch_path[0]) {
        struct pg_ll_path_beneath_attr rule = {attr.handled_access_fs & ~pg_policy_landlock.scratch_denied, -1};
        rule.parent_fd = open(pg_scratch_path, O_PATH | O_CLOEXEC);
        if (rule.parent_fd >= 0) {
            scratch_ok = syscall(SYS_landlock_add_rule, fd, PG_LL_RULE_PATH_BENEATH, &rule, 0) == 0;
            // Kept (far from a child's descriptors, which close it).
            int kept = fcntl(rule.parent_fd, F_DUPFD_CLOEXEC, 800);
            if (kept < 0) kept = fcntl(rule.parent_fd, F_DUPFD_CLOEXEC, 16);
            close(rule.parent_fd);
            if (pg_scratch_root_fd >= 0) close(pg_scratch_root_fd);
            pg_scratch_root_fd = kept;
        }
    }
    // Far from the descriptors a child keeps, so close_range spares it only
    // until the child has used it.
    int high = fcntl(fd, F_DUPFD_CLOEXEC, 900);
    if (high < 0) high = fcntl(fd, F_DUPFD_CLOEXEC, 16);  // RLIMIT_NOFILE below 901
    close(fd);
    if (high < 0) {
        pg_set_layer(PG_LAYER_LANDLOCK, 0, "cannot keep the ruleset: %s", strerror(errno));
        return -1;
    }
    if (pg_landlock_fd >= 0 && pg_landlock_fd != high) close(pg_landlock_fd);
    pg_landlock_fd = high;
    pg_set_layer(PG_LAYER_LANDLOCK, 1, "ABI %ld: read-only %s%s, read-write %s, nothing else%s", abi, allowed,
                 readable > 1 ? " (and the rest of sys.path)" : "", scratch_ok ? pg_scratch_path : "(no scratch)",
                 abi >= 6 ? "; TCP, signals and abstract sockets scoped" : abi >= 4 ? "; TCP refused" : "");
    return 0;
}

int pg_sandbox_prepare_landlock(const char *const *read_paths, int count) {
    if (pg_layer_disabled(PG_LAYER_LANDLOCK)) return -1;
    long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, PG_LL_CREATE_RULESET_VERSION);
    if (abi < 0) {
        pg_set_layer(PG_LAYER_LANDLOCK, 0, "%s", errno == ENOSYS ? "the kernel has no Landlock"
                                              : errno == EOPNOTSUPP ? "Landlock is disabled in this kernel (lsm= boot option)"
                                                                    : strerror(errno));
        return -1;
    }
    landlock_abi = (int)abi;
    landlock_paths = calloc((size_t)count + 1, sizeof *landlock_paths);
    if (!landlock_paths) return -1;
    for (int i = 0; i < count; i++)
        if (read_paths[i] && (landlock_paths[landlock_path_count] = strdup(read_paths[i]))) landlock_path_count++;
    return landlock_build();
}

int pg_landlock_follow_scratch(void) {
    // Another process of this worker (another exercise's zygote) may have
    // put a fresh tmpfs there: the ruleset must name the one there now.
    struct stat now, built;
    if (pg_scratch_is_mount && pg_landlock_fd >= 0) {
        if (stat(pg_scratch_path, &now) != 0) return -1;
        if (pg_scratch_root_fd < 0 || fstat(pg_scratch_root_fd, &built) != 0 || built.st_dev != now.st_dev ||
            built.st_ino != now.st_ino)
            if (landlock_build() != 0) return -1;
    }
    return 0;
}
