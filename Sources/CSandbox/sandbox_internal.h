// What the sandbox's files (sandbox_*.c) share, internal to CSandbox: the
// layers' records, the scratch folder and the Landlock ruleset held for
// the job children, and the policy's tables (sandbox_policy.c) that the
// mechanism files apply.
#ifndef PG_SANDBOX_INTERNAL_H
#define PG_SANDBOX_INTERNAL_H

#include "CSandbox.h"

#include <seccomp.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- Layers (sandbox_layers.c). ---- */

void pg_set_layer(int i, int active, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int pg_layer_disabled(int layer);
int pg_layer_active(int layer);

/* ---- Scratch (sandbox_scratch.c). ---- */

extern char pg_scratch_path[256];
extern int pg_scratch_is_mount;
/* Creates the scratch folder, a private tmpfs over /tmp when `private_mounts`
   (the mount namespace is the worker's own), and records its layer. */
void pg_scratch_create(int private_mounts);
/* In the namespaces' parent once the worker is gone: a scratch folder that
   is not a private mount is removed. */
void pg_scratch_remove_folder(void);

/* ---- Landlock (sandbox_landlock.c). ---- */

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

/* The root of the scratch mount the ruleset was built for, held open (see
   sandbox_landlock.c), and the ruleset itself: -1 when there is none. */
extern int pg_scratch_root_fd;
extern int pg_landlock_fd;
/* After scratch was reset: the ruleset built again if the scratch mounted
   now is not the one it names. 0, or -1. */
int pg_landlock_follow_scratch(void);

/* ---- seccomp (sandbox_seccomp.c). ---- */

/* In a job child: the worker's filter, then the process filter. 0, or -1
   with errno (0 as well when there is no filter). */
int pg_seccomp_apply(void);

/* ---- Limits (sandbox_limits.c). ---- */

/* Every limit back to what pg_limits_record saw. */
int pg_limits_restore(void);

/* ---- The policy (sandbox_policy.c). ---- */

/* An argument condition of a seccomp rule, as libseccomp's scmp_arg_cmp;
   with `on_channel`, datum `a` is the result channel's descriptor. */
typedef struct {
    unsigned arg;
    enum scmp_compare op;
    int on_channel;
    uint64_t a, b;
} pg_policy_condition;

/* A system call and what the filter does to it: `action` (libseccomp's
   SCMP_ACT_*) when every condition holds. A call this architecture lacks
   is left out. */
typedef struct {
    const char *call;
    uint32_t action;
    unsigned nconditions;
    pg_policy_condition condition[2];
} pg_policy_syscall;

extern const pg_policy_syscall pg_policy_syscalls[];
extern const size_t pg_policy_syscall_count;
/* The rules of the no-native-code layer: no new executable memory. */
extern const pg_policy_syscall pg_policy_native_syscalls[];
extern const size_t pg_policy_native_syscall_count;

/* The second filter, built in each job child around its own pid (a few
   instructions, no allocation): the calls whose target is a process. */
int pg_policy_load_process_filter(pid_t self);

/* What the Landlock ruleset allows: the access rights on the read-only
   paths (sys.path), the rights of the ruleset's that scratch does not get,
   the network rights handled (so refused: no rule allows any port), and
   the scopes. */
typedef struct {
    uint64_t read_only, scratch_denied, net_refused, scoped;
} pg_policy_landlock_rights;
extern const pg_policy_landlock_rights pg_policy_landlock;

/* The scratch tmpfs's mount options (its size and inode caps). */
extern const char pg_policy_scratch_tmpfs[];

#endif
