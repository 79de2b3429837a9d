// The value digests' speed on 10^6-element lists (not part of the tests).
//
//   bash bench/value_digest_bench.sh [RUNS] [OTHER_value_digest.c]
//
// Builds this file with -O2 against Sources/CPygradeSupport (and, given a
// second value_digest.c, say the previous commit's, against that one too)
// and prints the median and the best time of pg_value_digest and
// pg_list_element_digests per kind of list (the best is the steadier figure
// on a shared machine). `value_digest_bench RUNS KIND` times one kind only:
// under `valgrind --tool=callgrind` that counts instructions, which no other
// load on the machine disturbs.
#include "CPygradeSupport.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
    uint8_t *data;
    size_t len, cap;
} buf;

static void put(buf *b, const void *p, size_t n) {
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        b->data = realloc(b->data, b->cap);
    }
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void head(buf *b, uint8_t tag, uint64_t v) {
    uint8_t tmp[11];
    size_t n = 0;
    tmp[n++] = tag;
    do {
        uint8_t byte = v & 0x7f;
        v >>= 7;
        tmp[n++] = byte | (v ? 0x80 : 0);
    } while (v);
    put(b, tmp, n);
}

static void put_int(buf *b, int64_t v) { head(b, PGV_INT, ((uint64_t)v << 1) ^ (uint64_t)(v >> 63)); }

static void put_float(buf *b, double d) {
    uint8_t tmp[9] = {PGV_FLOAT};
    memcpy(tmp + 1, &d, 8);
    put(b, tmp, 9);
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

enum { N = 1000000 };

int main(int argc, char **argv) {
    int runs = argc > 1 ? atoi(argv[1]) : 15;
    int only = argc > 2 ? atoi(argv[2]) : -1; /* one kind of list (0-3), say under callgrind */
    const char *names[] = {"ints", "floats (half integral)", "strs", "big ints and floats >= 2^63"};
    buf streams[4] = {{0}};
    uint64_t x = 88172645463325252ull;
    for (int k = 0; k < 4; k++) {
        buf *b = &streams[k];
        head(b, PGV_LIST, N);
        for (int i = 0; i < N; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            switch (k) {
            case 0: put_int(b, (int64_t)(x % 2000000) - 1000000); break;
            case 1: put_float(b, i % 2 ? (double)(x % 100000) : (double)(x % 100000) + 0.5); break;
            case 2: {
                char s[16];
                int n = snprintf(s, sizeof s, "w%llu", (unsigned long long)(x % 30000));
                head(b, PGV_STR, (uint64_t)n);
                put(b, s, (size_t)n);
                break;
            }
            case 3:
                if (i % 2) {
                    put_float(b, 9223372036854775808.0 * (double)(1 + x % 1000));
                } else {
                    char s[40];
                    int n = snprintf(s, sizeof s, "0x%llx00000", (unsigned long long)(x % 1000 + 1) << 44);
                    head(b, PGV_BIGINT, (uint64_t)n);
                    put(b, s, (size_t)n);
                }
                break;
            }
        }
    }
    uint8_t *elements = malloc((size_t)N * 16);
    double *t = malloc(sizeof(double) * (size_t)runs);
    printf("%-30s %22s %22s\n", "10^6-element list of", "value ms (median/best)", "elements ms (med/best)");
    for (int k = 0; k < 4; k++) {
        if (only >= 0 && k != only) continue;
        uint8_t d[16];
        double med[2], best[2];
        for (int which = 0; which < 2; which++) {
            for (int r = 0; r < runs; r++) {
                double t0 = now();
                long rc = which == 0 ? pg_value_digest(streams[k].data, streams[k].len, d)
                                     : pg_list_element_digests(streams[k].data, streams[k].len, elements, N);
                t[r] = now() - t0;
                if ((which == 0 && rc != PG_DIGEST_OK) || (which == 1 && rc != N)) {
                    fprintf(stderr, "%s: unexpected result %ld\n", names[k], rc);
                    return 1;
                }
            }
            qsort(t, (size_t)runs, sizeof *t, cmp);
            med[which] = t[runs / 2];
            best[which] = t[0];
        }
        printf("%-30s %13.2f / %6.2f %13.2f / %6.2f\n", names[k], med[0], best[0], med[1], best[1]);
    }
    return 0;
}
