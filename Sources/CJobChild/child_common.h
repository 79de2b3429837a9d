// What job children and compile children share: frames on fd 3 and the
// set-up before any of their own work, and their fork. Internal to CJobChild.
#ifndef PG_CHILD_COMMON_H
#define PG_CHILD_COMMON_H

#include "CJobChild.h"

#pragma clang assume_nonnull begin

/* One frame on fd 3, in one writev. 0, or -1 when the channel is gone. */
int pg_send_frame(uint8_t kind, const void *_Nullable head, size_t headlen, const void *_Nullable body, size_t bodylen);
void pg_put_u32(uint8_t *p, uint32_t v);
/* The secret this child's frames carry, copied from its job into C static
   memory: first thing after fork, before any frame. */
void pg_frames_use_secret(const uint8_t secret[_Nonnull PG_FRAME_SECRET_BYTES]);

/* Process group, signals, descriptors (stdin /dev/null, output on 1 and 2,
   frames on 3, nothing else), the sandbox, then every resource limit: the
   worker's recorded ones, then the job's own. 0, or -1 with why. */
int pg_child_setup(int result_fd, int output_fd, const pg_limits *limits, char *why, size_t whylen);

/* Lets this process write [p, p + n): data, never code (rules_hooks.c).
   0, or -1 with an exception. */
int pg_writable(void *p, size_t n);

/* gc.unfreeze() a no-op and gc.get_freeze_count() 0 in this process
   (gc_guard.c): the inputs a zygote froze, later tests' too, are out of
   the collector's reach. 0, or -1. */
int pg_gc_guard(void);

/* Forks with Python's fork hooks: 0 in the child (a fresh arena for its
   Python allocations opened first), the pid in the parent, -1. */
pid_t pg_fork_child(void);

/* In a job child (fresh_arena.c): Python's first `bytes` of allocations
   come from a private region mapped now, not from pages shared with the
   worker. -1 if the region cannot be mapped (nothing changes then). */
int pg_fresh_arena_open(size_t bytes);

#pragma clang assume_nonnull end

#endif
