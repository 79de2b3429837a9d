// The sandbox, in C with no Python: the layers the worker enters (its
// namespaces, before Python starts) and those each job child applies
// (no_new_privs, Landlock, seccomp, no capabilities, resource limits),
// each recording whether it is active and, when not, why. What the layers
// allow and refuse is the policy's (sandbox_policy.c).
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

#pragma clang assume_nonnull begin

typedef struct {
    double cpu_seconds;      /* RLIMIT_CPU soft (hard = soft + 1) */
    uint64_t address_space;  /* RLIMIT_AS in bytes, 0 = unlimited */
    uint64_t file_size;      /* RLIMIT_FSIZE */
    uint64_t open_files;     /* RLIMIT_NOFILE */
    uint64_t processes;      /* RLIMIT_NPROC, 0 = leave */
} pg_limits;

/* This process's resource limits, recorded once (pg_limits_record) and
   compared before each job: a job child cannot change them (seccomp), and
   if they changed all the same, the worker stops rather than grade under
   them. Every child starts from the recorded ones. */
void pg_limits_record(void);
int pg_limits_unchanged(void);
/* The limits of a job child and of a compile child (sandbox_policy.c):
   the CPU seconds and address space given, the rest the policy's. */
pg_limits pg_policy_job_limits(double cpu_seconds, uint64_t address_space);
pg_limits pg_policy_compile_limits(double cpu_seconds, uint64_t address_space);
/* In a child: the recorded limits, then the policy's with the job's
   figures. 0, or -1. */
int pg_sandbox_apply_limits(const pg_limits *limits);

/* ---- Sandbox layers. ---- */
enum {
    PG_LAYER_USERNS,
    PG_LAYER_PIDNS,
    PG_LAYER_NETNS,
    PG_LAYER_MOUNTNS,
    PG_LAYER_IPCNS,
    PG_LAYER_UTSNS,
    PG_LAYER_SCRATCH,
    PG_LAYER_LANDLOCK,
    PG_LAYER_NO_NEW_PRIVS,
    PG_LAYER_SECCOMP,
    PG_LAYER_CAPABILITIES,
    PG_LAYER_RLIMITS,
    PG_LAYER_FDS,
    PG_LAYER_ENV,
    PG_LAYER_PGRP,
    PG_LAYER_PROCESS,
    PG_LAYER_WALL,
    PG_LAYER_MEMORY_SCRUB,
    PG_LAYER_ZYGOTE,
    PG_LAYER_SCRATCH_RESET,
    PG_LAYER_CHANNEL_GUARD,
    PG_LAYER_OTHERS_GUARD,
    PG_LAYER_NO_NATIVE_CODE,
    PG_LAYER_READ_ONLY_LIBRARY,
    PG_LAYER_NO_MADE_CODE,
    PG_LAYER_FROZEN_OUT_OF_REACH,
    PG_LAYER_COUNT
};

typedef struct {
    const char *_Nullable name; /* NULL until the worker enters its sandbox */
    int active;
    char detail[256]; /* what it does, or why it is missing */
} pg_layer;

/* In the worker, before Python and before any thread: user, network, IPC,
   UTS, mount and PID namespaces, the scratch folder, then a fork; only the
   zygote (PID 1 of the new PID namespace) returns. */
int pg_sandbox_enter(void);
/* In the worker, once Python is up: the Landlock ruleset (read-only
   `read_paths`, read-write scratch; a NULL path is left out) and the
   seccomp program, whose channel guard keeps `channel_fd` (the result
   channel) from being moved. */
int pg_sandbox_prepare_landlock(const char *_Nullable const *_Nonnull read_paths, int count);
int pg_sandbox_prepare_seccomp(int channel_fd);
void pg_sandbox_note_child_layers(void);
/* In the worker: whether malloc overwrites what is freed (the glibc
   tunables the orchestrator sets), checked by freeing a block and looking.
   Without it a job child could read an earlier candidate's bytes. */
int pg_sandbox_check_memory_scrub(void);
/* In a job child: scratch as cwd, empty environment, no_new_privs,
   Landlock, no capabilities, seccomp. 0, or -1 with why. */
int pg_sandbox_apply_child(char *why, size_t whylen);
/* In the worker after each job (its children reaped): scratch is empty
   again. 0 when it is provably empty, -1 when it could not be emptied (the
   worker must stop: the next job would see what is left). */
int pg_sandbox_reset_scratch(void);
/* In the worker at start: a procfs of its own PID namespace on /proc, so that
   /proc/PID of a job child is that child. 0, or -1 (figures then come from
   wait4 alone). */
int pg_sandbox_mount_proc(void);

/* Makes each of `paths` (the module paths every job child may read) a
   read-only bind mount in the worker's mount namespace: no read there
   updates an access time another job could see. 0, or -1 with the layer
   marked missing and why. */
int pg_sandbox_read_only_library(const char *_Nullable const *_Nonnull paths, int count);
/* Layer `i`, or NULL past the last. */
const pg_layer *_Nullable pg_sandbox_layer(int i);
/* The scratch folder's path ("" when there is none). */
const char *pg_sandbox_scratch(void);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif
#endif
