// The scratch folder, the job children's only writable place: made when
// the worker enters its namespaces, reset after every job, removed with
// the worker when it is not a private mount.
#include "sandbox_internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

char pg_scratch_path[256] = "";
int pg_scratch_is_mount = 0;

const char *pg_sandbox_scratch(void) { return pg_scratch_path; }

void pg_scratch_create(int private_mounts) {
    // The scratch folder: an empty tmpfs (size-capped, so a disk fill ends
    // there) over /tmp in the private mount namespace, invisible outside and
    // gone with the worker; else a fresh folder under /tmp.
    if (private_mounts && mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0 &&
        mount("pygrade-scratch", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, pg_policy_scratch_tmpfs) == 0) {
        snprintf(pg_scratch_path, sizeof pg_scratch_path, "/tmp");
        pg_scratch_is_mount = 1;
        pg_set_layer(PG_LAYER_SCRATCH, 1, "/tmp is a private 64 MiB tmpfs");
    } else {
        int why = errno;
        snprintf(pg_scratch_path, sizeof pg_scratch_path, "/tmp/pygrade-scratch-XXXXXX");
        if (mkdtemp(pg_scratch_path)) {
            pg_set_layer(PG_LAYER_SCRATCH, 1, "%s (not a private mount: %s)", pg_scratch_path,
                         private_mounts ? strerror(why) : "no mount namespace");
        } else {
            pg_set_layer(PG_LAYER_SCRATCH, 0, "cannot create a scratch folder: %s", strerror(errno));
            pg_scratch_path[0] = 0;
        }
    }
}

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

void pg_scratch_remove_folder(void) {
    if (pg_scratch_path[0] && !pg_scratch_is_mount) remove_tree(pg_scratch_path, 0);
}

/* Whether scratch holds nothing: one read of its entries. */
static int scratch_is_empty(void) {
    DIR *d = opendir(pg_scratch_path);
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

/* Scratch is reset, not cleaned: a candidate can make a tree too deep (or
   too wide, or unreadable) for any walk to remove. A job that left nothing
   costs one read of the folder. Otherwise, with scratch a private mount, a
   fresh tmpfs replaces it (the old one, detached, goes with its last user)
   and the Landlock ruleset is built again for the new folder; without one,
   the tree is removed and the folder must then be empty. Either way the
   result is checked, and a scratch that is not empty is reported (-1): the
   worker stops rather than hand it to the next candidate. */
int pg_sandbox_reset_scratch(void) {
    if (!pg_scratch_path[0]) return 0;
    if (!scratch_is_empty()) {
        if (pg_scratch_is_mount) {
            umount2(pg_scratch_path, MNT_DETACH);
            if (mount("pygrade-scratch", pg_scratch_path, "tmpfs", MS_NOSUID | MS_NODEV, pg_policy_scratch_tmpfs) !=
                0)
                return -1;
        } else {
            remove_tree(pg_scratch_path, 1);
        }
        if (!scratch_is_empty()) return -1;
    }
    return pg_landlock_follow_scratch();
}
