// Frames on fd 3, the one way a child speaks to the worker (the format:
// pygrade_protocol.h), written by job and compile children alike; and the worker's
// side of it: the channel (a socketpair) and the secret each child signs
// its frames with.
#include "child_common.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/uio.h>

/* This child's secret (pg_frames_use_secret), in C static memory: no Python
   object ever holds it. Plain Python cannot read it; code with arbitrary
   memory access (ctypes) can, as it can rewrite any hook of the harness
   (docs/sandbox.md). */
static uint8_t frame_secret[PG_FRAME_SECRET_BYTES];

void pg_frames_use_secret(const uint8_t secret[PG_FRAME_SECRET_BYTES]) {
    memcpy(frame_secret, secret, PG_FRAME_SECRET_BYTES);
}

int pg_frame_secret_draw(uint8_t out[PG_FRAME_SECRET_BYTES]) {
    size_t got = 0;
    while (got < PG_FRAME_SECRET_BYTES) {
        ssize_t r = getrandom(out + got, PG_FRAME_SECRET_BYTES - got, 0);
        if (r < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

int pg_result_channel(int fds[2]) {
    // A stream socket, not a pipe: /proc/PID/fd/N of a socket does not open
    // (ENXIO), so the child cannot take a reading end of its own channel
    // and read the harness's frames back out of it, as it could a pipe's.
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) return -1;
    // The worker never speaks on it: the child's end reads end-of-file at
    // once rather than wait.
    (void)shutdown(fds[0], SHUT_WR);
    return 0;
}

void pg_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* A frame: u32 little-endian length of (kind + secret + head + body), kind,
   secret, head, body. One writev, so that the worker wakes once per frame,
   not once per part. */
int pg_send_frame(uint8_t kind, const void *head, size_t headlen, const void *body, size_t bodylen) {
    enum { PARTS = 4 };
    uint32_t total = (uint32_t)(1 + PG_FRAME_SECRET_BYTES + headlen + bodylen);
    uint8_t pre[5];
    pg_put_u32(pre, total);
    pre[4] = kind;
    struct iovec parts[PARTS] = {
        {pre, 5}, {frame_secret, PG_FRAME_SECRET_BYTES}, {(void *)head, headlen}, {(void *)body, bodylen}};
    size_t first = 0;
    while (first < PARTS) {
        if (parts[first].iov_len == 0) {
            first++;
            continue;
        }
        ssize_t w = writev(PG_RESULT_FD, parts + first, (int)(PARTS - first));
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        // Skip what went out: whole parts, then the written front of one.
        size_t n = (size_t)w;
        while (first < PARTS && n >= parts[first].iov_len) n -= parts[first++].iov_len;
        if (first < PARTS) {
            parts[first].iov_base = (uint8_t *)parts[first].iov_base + n;
            parts[first].iov_len -= n;
        }
    }
    return 0;
}
