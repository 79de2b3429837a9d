#ifndef CPYGRADE_SUPPORT_H
#define CPYGRADE_SUPPORT_H

#include <spawn.h>
#include <stddef.h>
#include <stdint.h>

#include "pygrade_protocol.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Pointers are non-null unless marked: a byte range may be NULL only with
   a length of 0 (Swift's empty buffers have no base address). */
#pragma clang assume_nonnull begin

/*
 * The value stream: how plain data leaves a job child (see ValueCodec.swift
 * for the decoder). Pre-order, one tag byte per value:
 *   'N' None            'T' True            'F' False
 *   'i' zigzag varint   (int that fits int64)
 *   'I' varint n, n ASCII bytes of Python's hex() of an int outside int64
 *       ("-0x8000000000000001"; nothing else: "0x1f" or "0X..." is malformed)
 *   'f' 8 bytes, little-endian IEEE 754 double
 *   's' varint n, n bytes of UTF-8 (lone surrogates as "surrogatepass")
 *   'b' varint n, n raw bytes
 *   'l' list / 't' tuple / 'S' set / 'z' frozenset: varint count, then items
 *   'd' dict: varint count, then key, value, key, value...
 * Varints are LEB128 and minimal (a stream with a redundant zero group is
 * malformed), so every value has exactly one spelling, up to the order of
 * dicts and sets.
 */
enum {
    PGV_NONE = 'N',
    PGV_TRUE = 'T',
    PGV_FALSE = 'F',
    PGV_INT = 'i',
    PGV_BIGINT = 'I',
    PGV_FLOAT = 'f',
    PGV_STR = 's',
    PGV_BYTES = 'b',
    PGV_LIST = 'l',
    PGV_TUPLE = 't',
    PGV_SET = 'S',
    PGV_FROZENSET = 'z',
    PGV_DICT = 'd',
};

typedef struct {
    uint32_t state[8];
    uint64_t bitlen;
    uint8_t block[64];
    size_t blocklen;
} pg_sha256_ctx;

void pg_sha256_init(pg_sha256_ctx *ctx);
void pg_sha256_update(pg_sha256_ctx *ctx, const void *_Nullable data, size_t len);
void pg_sha256_final(pg_sha256_ctx *ctx, uint8_t out[_Nonnull 32]);
void pg_sha256(const void *_Nullable data, size_t len, uint8_t out[_Nonnull 32]);

/* A fast 128-bit digest for values (hash128.c says why not SHA-256). */
typedef struct {
    uint64_t a, b, total;
    uint8_t buf[16];
    size_t fill;
} pg_hash128_ctx;

#define PG_DIGEST_LEN 16
void pg_hash128_init(pg_hash128_ctx *ctx);
void pg_hash128_update(pg_hash128_ctx *ctx, const void *_Nullable data, size_t len);
void pg_hash128_final(pg_hash128_ctx *ctx, uint8_t out[_Nonnull 16]);
void pg_hash128(const void *_Nullable data, size_t len, uint8_t out[_Nonnull 16]);

/* Result codes of pg_value_digest. */
enum {
    PG_DIGEST_OK = 0,
    PG_DIGEST_UNORDERED = 1, /* holds a dict or set: compare decoded values */
    PG_DIGEST_NAN = 2,       /* holds a NaN, equal to nothing: compare decoded values */
    PG_DIGEST_MALFORMED = -1,
};

/*
 * The 128-bit digest of the value stream normalised so that equal digests
 * mean Python `==` on the decoded values (docs/equality.md): bool, int
 * and integral floats of any size become the int of the same value, so
 * `[True, 2.0, -0.0, 2.0**70] == [1, 2, 0, 2**70]` digests alike, while
 * other floats stay floats and list and tuple stay apart. Dicts and sets
 * have no canonical order here (PG_DIGEST_UNORDERED), and a NaN equals
 * nothing, not even a NaN (PG_DIGEST_NAN): no digest then, the caller
 * compares decoded values, which say so. The child (for large results) and
 * the orchestrator (for expected values) both call this one function, so
 * the two sides can never disagree.
 */
int pg_value_digest(const uint8_t *_Nullable data, size_t len, uint8_t out[_Nonnull 16]);

/*
 * For a stream holding a list: the normalised digest of each element, 16
 * bytes apiece, into `out` (room for `cap` elements). Returns the count, or
 * -1 when the value is not a list, is malformed, or an element holds a dict,
 * a set or a NaN (compare decoded values then). The unordered checker compares these
 * instead of decoded values: a hundred thousand elements in milliseconds.
 */
long pg_list_element_digests(const uint8_t *_Nullable data, size_t len, uint8_t *_Nullable out, size_t cap);

/* 0 when `data` holds exactly one well-formed value, -1 otherwise. */
int pg_value_validate(const uint8_t *_Nullable data, size_t len);

/* pipe2(fds, O_CLOEXEC): Swift's Glibc module does not export pipe2. */
int pg_pipe_cloexec(int fds[_Nonnull 2]);

/* posix_spawn_file_actions_addclosefrom_np(actions, from): the spawned
   process closes every descriptor from `from` on (glibc 2.34; Swift's Glibc
   module does not export it). */
int pg_spawn_add_closefrom(posix_spawn_file_actions_t *_Nonnull actions, int from);

/* How a process ended, from its wait status: WIFEXITED, WEXITSTATUS,
   WIFSIGNALED and WTERMSIG, which are macros Swift cannot import. */
int pg_wait_exited(int status);
int pg_wait_exit_status(int status);
int pg_wait_signaled(int status);
int pg_wait_term_signal(int status);

/* Standard output flushed: 0, or -1 when a write to it failed at any time
   (errno from the failing flush, else 0). */
int pg_stdout_flush(void);

/* Ctrl-C for a batch: after pg_interrupt_catch(), the first SIGINT only
   sets a flag (read by pg_interrupt_requested(), polled by the batch) and
   puts the default action back, so a second one stops the process at once;
   SIGINT is unblocked in the calling thread. A signal handler must not take
   locks or allocate: hence C. */
void pg_interrupt_catch(void);
int pg_interrupt_requested(void);

#pragma clang assume_nonnull end

#ifdef __cplusplus
}
#endif
#endif
