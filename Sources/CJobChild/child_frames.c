// Frames on fd 3, the one way a child speaks to the worker (the format:
// CJobChild.h), written by job and compile children alike.
#include "child_common.h"

#include <errno.h>
#include <sys/uio.h>

void pg_put_u32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* A frame: u32 little-endian length of (kind + head + body), kind, head, body.
   One writev, so that the worker wakes once per frame, not once per part. */
int pg_send_frame(uint8_t kind, const void *head, size_t headlen, const void *body, size_t bodylen) {
    uint32_t total = (uint32_t)(1 + headlen + bodylen);
    uint8_t pre[5];
    pg_put_u32(pre, total);
    pre[4] = kind;
    struct iovec parts[3] = {{pre, 5}, {(void *)head, headlen}, {(void *)body, bodylen}};
    size_t first = 0;
    while (first < 3) {
        if (parts[first].iov_len == 0) {
            first++;
            continue;
        }
        ssize_t w = writev(PG_RESULT_FD, parts + first, (int)(3 - first));
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        // Skip what went out: whole parts, then the written front of one.
        size_t n = (size_t)w;
        while (first < 3 && n >= parts[first].iov_len) n -= parts[first++].iov_len;
        if (first < 3) {
            parts[first].iov_base = (uint8_t *)parts[first].iov_base + n;
            parts[first].iov_len -= n;
        }
    }
    return 0;
}
