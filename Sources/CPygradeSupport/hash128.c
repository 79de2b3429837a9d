// A fast 128-bit digest for values (not SHA-256, which is kept for
// submissions and exercise folders, whose hashes users compare).
//
// Why not a cryptographic hash here: a value digest only has to stop a
// candidate from passing with a result that differs from the expected one,
// and the candidate never learns the expected value (or its digest), so a
// collision would have to be found blind. A 128-bit multiply-mix hash makes
// that hopeless while hashing at memory speed, which matters when a result
// holds a million leaves.
#include "CPygradeSupport.h"
#include <string.h>

static const uint64_t P0 = 0xa0761d6478bd642full, P1 = 0xe7037ed1a0b428dbull;
static const uint64_t P2 = 0x8ebc6af09c88c6e3ull, P3 = 0x589965cc75374cc3ull;

static inline uint64_t mum(uint64_t a, uint64_t b) {
    __uint128_t r = (__uint128_t)a * b;
    return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static inline uint64_t load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static void block(pg_hash128_ctx *c, const uint8_t *p) {
    uint64_t w0 = load64(p), w1 = load64(p + 8);
    c->a = mum(c->a ^ w0 ^ P0, w1 ^ P1 ^ c->b);
    c->b = mum(c->b ^ w1 ^ P2, w0 ^ P3 ^ c->a);
}

void pg_hash128_init(pg_hash128_ctx *c) {
    c->a = 0x243f6a8885a308d3ull;
    c->b = 0x13198a2e03707344ull;
    c->total = 0;
    c->fill = 0;
}

void pg_hash128_update(pg_hash128_ctx *c, const void *data, size_t len) {
    const uint8_t *p = data;
    c->total += len;
    if (c->fill) {
        size_t take = 16 - c->fill < len ? 16 - c->fill : len;
        memcpy(c->buf + c->fill, p, take);
        c->fill += take;
        p += take;
        len -= take;
        if (c->fill < 16) return;
        block(c, c->buf);
        c->fill = 0;
    }
    while (len >= 16) {
        block(c, p);
        p += 16;
        len -= 16;
    }
    memcpy(c->buf, p, len);
    c->fill = len;
}

void pg_hash128_final(pg_hash128_ctx *c, uint8_t out[16]) {
    memset(c->buf + c->fill, 0, 16 - c->fill);
    c->buf[15] ^= (uint8_t)(0x80 | c->fill);
    block(c, c->buf);
    uint64_t a = mum(c->a ^ c->total ^ P1, c->b ^ P0);
    uint64_t b = mum(c->b ^ P3, a ^ c->total ^ P2);
    a = mum(a ^ P2, b ^ P1);
    memcpy(out, &a, 8);
    memcpy(out + 8, &b, 8);
}

void pg_hash128(const void *data, size_t len, uint8_t out[16]) {
    pg_hash128_ctx c;
    pg_hash128_init(&c);
    pg_hash128_update(&c, data, len);
    pg_hash128_final(&c, out);
}
