// Walks a value stream without recursion: the stream is pre-order, so a
// single count of "values still owed" is enough to validate it, however deep
// the nesting (a 10,000-deep list costs no stack here).
#include "CPygradeSupport.h"
#include <math.h>
#include <string.h>

static int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end) return -1;
        uint8_t b = *(*p)++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) { *out = v; return 0; }
    }
    return -1;
}

static size_t put_varint(uint8_t *buf, uint64_t v) {
    size_t n = 0;
    do {
        uint8_t b = v & 0x7f;
        v >>= 7;
        buf[n++] = b | (v ? 0x80 : 0);
    } while (v);
    return n;
}

static void emit_int(pg_hash128_ctx *ctx, int64_t v) {
    uint8_t buf[11];
    buf[0] = PGV_INT;
    uint64_t zz = ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
    size_t n = put_varint(buf + 1, zz);
    pg_hash128_update(ctx, buf, n + 1);
}

/* Walks one value from *pp, hashing its normalised form into ctx (if any);
   advances *pp past it. */
static int walk_one(const uint8_t **pp, const uint8_t *end, pg_hash128_ctx *ctx, int *unordered) {
    const uint8_t *p = *pp;
    uint64_t owed = 1;
    while (owed > 0) {
        if (p >= end) return -1;
        owed--;
        const uint8_t *start = p;
        uint8_t tag = *p++;
        uint64_t n;
        switch (tag) {
        case PGV_NONE:
            if (ctx) pg_hash128_update(ctx, &tag, 1);
            break;
        case PGV_TRUE:
        case PGV_FALSE:
            if (ctx) emit_int(ctx, tag == PGV_TRUE);
            break;
        case PGV_INT:
            if (read_varint(&p, end, &n)) return -1;
            if (ctx) pg_hash128_update(ctx, start, (size_t)(p - start));
            break;
        case PGV_FLOAT: {
            if (end - p < 8) return -1;
            uint64_t bits = 0;
            for (int i = 0; i < 8; i++) bits |= (uint64_t)p[i] << (8 * i);
            double d;
            memcpy(&d, &bits, 8);
            p += 8;
            if (!ctx) break;
            if (isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
                emit_int(ctx, (int64_t)d);
            else
                pg_hash128_update(ctx, start, 9);
            break;
        }
        case PGV_BIGINT:
        case PGV_STR:
        case PGV_BYTES:
            if (read_varint(&p, end, &n) || n > (uint64_t)(end - p)) return -1;
            p += n;
            if (ctx) pg_hash128_update(ctx, start, (size_t)(p - start));
            break;
        case PGV_LIST:
        case PGV_TUPLE:
            if (read_varint(&p, end, &n) || n > (uint64_t)(end - p)) return -1;
            owed += n;
            if (ctx) pg_hash128_update(ctx, start, (size_t)(p - start));
            break;
        case PGV_SET:
        case PGV_FROZENSET:
        case PGV_DICT:
            if (read_varint(&p, end, &n) || n > (uint64_t)(end - p)) return -1;
            owed += tag == PGV_DICT ? 2 * n : n;
            *unordered = 1;
            break;
        default:
            return -1;
        }
    }
    *pp = p;
    return 0;
}

static int walk(const uint8_t *data, size_t len, pg_hash128_ctx *ctx, int *unordered) {
    const uint8_t *p = data, *end = data + len;
    if (walk_one(&p, end, ctx, unordered)) return -1;
    return p == end ? 0 : -1;
}

long pg_list_element_digests(const uint8_t *data, size_t len, uint8_t *out, size_t cap) {
    const uint8_t *p = data, *end = data + len;
    uint64_t n;
    if (len < 1 || *p++ != PGV_LIST || read_varint(&p, end, &n) || n > cap) return -1;
    for (uint64_t i = 0; i < n; i++) {
        pg_hash128_ctx ctx;
        pg_hash128_init(&ctx);
        int unordered = 0;
        if (walk_one(&p, end, &ctx, &unordered) || unordered) return -1;
        pg_hash128_final(&ctx, out + 16 * i);
    }
    return p == end ? (long)n : -1;
}

int pg_value_validate(const uint8_t *data, size_t len) {
    int unordered = 0;
    return walk(data, len, NULL, &unordered);
}

int pg_value_digest(const uint8_t *data, size_t len, uint8_t out[16]) {
    pg_hash128_ctx ctx;
    pg_hash128_init(&ctx);
    int unordered = 0;
    if (walk(data, len, &ctx, &unordered)) return PG_DIGEST_MALFORMED;
    if (unordered) return PG_DIGEST_UNORDERED;
    pg_hash128_final(&ctx, out);
    return PG_DIGEST_OK;
}
