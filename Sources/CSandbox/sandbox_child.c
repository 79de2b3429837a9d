// The sandbox applied in a job child, after its descriptors are in place:
// scratch as its folder, an empty environment, not dumpable,
// no_new_privs, Landlock, no capabilities, seccomp.
#include "sandbox_internal.h"

#include <errno.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int pg_sandbox_apply_child(char *why, size_t whylen) {
    // Into the very folder the Landlock ruleset names (held open when it was
    // built), not whatever the path names now: another exercise's zygote in
    // this worker may have mounted a fresh scratch there since.
    int in_scratch = pg_scratch_root_fd >= 0 ? fchdir(pg_scratch_root_fd) : pg_scratch_path[0] ? chdir(pg_scratch_path) : 0;
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
    if (pg_landlock_fd >= 0) {
        if (syscall(SYS_landlock_restrict_self, pg_landlock_fd, 0) != 0) {
            snprintf(why, whylen, "landlock_restrict_self: %s", strerror(errno));
            return -1;
        }
        close(pg_landlock_fd);
    }
    // Whatever capabilities the user namespace gave: none left.
    struct __user_cap_header_struct head = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    if (syscall(SYS_capset, &head, data) != 0) {
        snprintf(why, whylen, "capset: %s", strerror(errno));
        return -1;
    }
    // READ_IMPLIES_EXEC would make every readable mapping executable behind
    // the filter's back (no-native-code): cleared before the filter, which
    // then kills personality.
    int persona = personality(0xffffffff);
    if (persona != -1 && (persona & READ_IMPLIES_EXEC) && personality((unsigned long)(persona & ~READ_IMPLIES_EXEC)) == -1) {
        snprintf(why, whylen, "personality: %s", strerror(errno));
        return -1;
    }
    if (pg_seccomp_apply() != 0) {
        snprintf(why, whylen, "seccomp: %s", strerror(errno));
        return -1;
    }
    return 0;
}
