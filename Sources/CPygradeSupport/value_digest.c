// Walks a value stream without recursion: the stream is pre-order, so a
// single count of "values still owed" is enough to validate it, however deep
// the nesting (a 10,000-deep list costs no stack here).
#include "CPygradeSupport.h"
#include <math.h>
#include <string.h>

/* Varints are minimal (no high zero groups, nothing past 64 bits): one
   spelling per number, so a stream has one spelling per value and the
   digests below can hash most of it as it stands. */
static inline int read_varint(const uint8_t **p, const uint8_t *end, uint64_t *out) {
    const uint8_t *q = *p;
    uint64_t v = 0;
    for (int shift = 0; q < end && shift < 64; shift += 7) {
        uint8_t b = *q++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (b < 0x80) {
            if ((b == 0 && shift > 0) || (shift == 63 && b > 1)) return -1;
            *p = q;
            *out = v;
            return 0;
        }
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

static const uint8_t hex_digit[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1,
};

/* 'I' holds exactly what Python's hex() gives for an int outside int64:
   "0x" or "-0x", lower-case digits, no leading zero. Anything else (an int
   that fits 'i', "0x0ff", "0XFF") is malformed, so each int has one
   spelling. */
static int valid_bigint(const uint8_t *s, size_t n) {
    size_t i = 0;
    int negative = n > 0 && s[0] == '-';
    i += (size_t)negative;
    if (n < i + 3 || s[i] != '0' || s[i + 1] != 'x' || s[i + 2] == '0') return -1;
    i += 2;
    size_t digits = n - i;
    for (size_t j = i; j < n; j++)
        if (!hex_digit[s[j]]) return -1;
    if (digits > 16) return 0;
    if (digits < 16) return -1;
    /* 16 digits: past int64 from 0x8000000000000000 up, or below -0x8000000000000000. */
    if (s[i] > '8') return 0;
    if (s[i] < '8') return -1;
    if (!negative) return 0;
    for (size_t j = i + 1; j < n; j++)
        if (s[j] != '0') return 0;
    return -1;
}

static const char zeros[256] =
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "0000000000000000000000000000000000000000000000000000000000000000"
    "000000000000000000000000000000000000000000000000000000000000000";

/* An integral double outside int64 as the int of the same value: 'I' and
   Python's hex() of it (2.0**70 -> "0x400000000000000000"), hashed in
   pieces (the hash does not see where one update ends). */
static void emit_big_integral(pg_hash128_ctx *ctx, double d) {
    uint64_t bits;
    memcpy(&bits, &d, 8);
    /* |d| >= 2^63, so d is normal and its exponent makes it an integer:
       |d| = m * 2^e with e >= 11, that is hex(m << e % 4) then e / 4 zeros. */
    int e = (int)((bits >> 52) & 0x7ff) - 1075;
    uint64_t m = ((bits & ((1ull << 52) - 1)) | (1ull << 52)) << (e % 4);
    uint8_t hex[16];
    size_t digits = 0;
    do {
        hex[15 - digits++] = (uint8_t)"0123456789abcdef"[m & 0xf];
        m >>= 4;
    } while (m);
    size_t n = (bits >> 63) + 2 + digits + (size_t)(e / 4);
    uint8_t head[1 + 10 + 3 + 16];
    size_t h = 0;
    head[h++] = PGV_BIGINT;
    h += put_varint(head + h, n);
    if (bits >> 63) head[h++] = '-';
    head[h++] = '0';
    head[h++] = 'x';
    memcpy(head + h, hex + 16 - digits, digits);
    pg_hash128_update(ctx, head, h + digits);
    pg_hash128_update(ctx, zeros, (size_t)(e / 4));
}

/* Why a value has no digest (bits of *why). */
enum { NO_DIGEST_UNORDERED = 1, NO_DIGEST_NAN = 2 };

/* Walks one value from *pp, hashing its normalised form into ctx (if any);
   advances *pp past it. The normalised form follows Python `==`
   (docs/equality.md): bool, int and every integral float become the int of the
   same value, of any size (so -0.0 is 0, 2.0**70 is 2**70); other floats,
   inf included, stay floats; a NaN equals nothing and a dict or set has no
   canonical order, so either leaves the value without a digest (*why). */
static int walk_one(const uint8_t **pp, const uint8_t *end, pg_hash128_ctx *ctx, int *why) {
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
            if (isnan(d)) {
                *why |= NO_DIGEST_NAN;
                break;
            }
            if (!ctx) break;
            if (isfinite(d) && d == floor(d)) {
                if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
                    emit_int(ctx, (int64_t)d);
                else
                    emit_big_integral(ctx, d);
            } else {
                pg_hash128_update(ctx, start, 9);
            }
            break;
        }
        case PGV_BIGINT:
            if (read_varint(&p, end, &n) || n > (uint64_t)(end - p) || valid_bigint(p, (size_t)n)) return -1;
            p += n;
            if (ctx) pg_hash128_update(ctx, start, (size_t)(p - start));
            break;
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
            *why |= NO_DIGEST_UNORDERED;
            break;
        default:
            return -1;
        }
    }
    *pp = p;
    return 0;
}

static int walk(const uint8_t *data, size_t len, pg_hash128_ctx *ctx, int *why) {
    const uint8_t *p = data, *end = data + len;
    if (walk_one(&p, end, ctx, why)) return -1;
    return p == end ? 0 : -1;
}

long pg_list_element_digests(const uint8_t *data, size_t len, uint8_t *out, size_t cap) {
    const uint8_t *p = data, *end = data + len;
    uint64_t n;
    if (len < 1 || *p++ != PGV_LIST || read_varint(&p, end, &n) || n > cap) return -1;
    for (uint64_t i = 0; i < n; i++) {
        pg_hash128_ctx ctx;
        pg_hash128_init(&ctx);
        int why = 0;
        if (walk_one(&p, end, &ctx, &why) || why) return -1;
        pg_hash128_final(&ctx, out + 16 * i);
    }
    return p == end ? (long)n : -1;
}

int pg_value_validate(const uint8_t *data, size_t len) {
    int why = 0;
    return walk(data, len, NULL, &why);
}

int pg_value_digest(const uint8_t *data, size_t len, uint8_t out[16]) {
    pg_hash128_ctx ctx;
    pg_hash128_init(&ctx);
    int why = 0;
    if (walk(data, len, &ctx, &why)) return PG_DIGEST_MALFORMED;
    if (why & NO_DIGEST_UNORDERED) return PG_DIGEST_UNORDERED;
    if (why & NO_DIGEST_NAN) return PG_DIGEST_NAN;
    pg_hash128_final(&ctx, out);
    return PG_DIGEST_OK;
}
