// Where a job child's Python allocations go first.
//
// A job child is a fork of the worker, whose heap holds every exercise's
// inputs. Python's allocators would hand the child free blocks scattered
// over that heap, and the first write to each of those pages makes the
// kernel copy it: a page fault and 4 KiB copied, for a few bytes. The
// child's first few MiB of allocations (Python's after-fork hooks, the
// code, the AST for the rules, the module's top level, small tests) come
// from a private region mapped after the fork instead, handed out in order
// and never reused: one fault per fresh page, nothing copied, nothing of
// the worker's heap touched. Once the region is full, the previous
// allocators take over, where freed memory is reused: a test that churns
// through memory costs at most the region's size more.
//
// Installed with PyMem_SetAllocator as a hook over the allocators already
// there (what tracemalloc does), for the two domains that need the GIL.
// Memory from the region is freed with the process; anything else goes to
// the previous allocator.
#include "child_common.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HEADER 16  // the block's size, and 16-byte alignment, as pymalloc gives

static PyMemAllocatorEx previous_mem, previous_obj;
static char *arena_lo, *arena_next, *arena_hi;

static int from_arena(const void *p) { return (const char *)p >= arena_lo && (const char *)p < arena_hi; }

/* Bytes a block of n takes in the region, header included; 0 on overflow. */
static size_t footprint(size_t n) {
    size_t need = ((n ? n : 1) + HEADER + 15) & ~(size_t)15;
    return need < n ? 0 : need;
}

static void *take(size_t n) {
    size_t need = footprint(n);
    if (!need || need > (size_t)(arena_hi - arena_next)) return NULL;
    char *block = arena_next;
    arena_next += need;
    memcpy(block, &n, sizeof n);
    return block + HEADER;
}

static void *arena_malloc(void *ctx, size_t n) {
    void *p = take(n);
    if (p) return p;
    PyMemAllocatorEx *prev = ctx;
    return prev->malloc(prev->ctx, n);
}

static void *arena_calloc(void *ctx, size_t count, size_t size) {
    if (size && count > SIZE_MAX / size) return NULL;
    // The region is fresh anonymous memory and never reused: still zero.
    void *p = take(count * size);
    if (p) return p;
    PyMemAllocatorEx *prev = ctx;
    return prev->calloc(prev->ctx, count, size);
}

static void *arena_realloc(void *ctx, void *ptr, size_t n) {
    PyMemAllocatorEx *prev = ctx;
    if (!ptr) return arena_malloc(ctx, n);  // an empty list's first append
    if (!from_arena(ptr)) return prev->realloc(prev->ctx, ptr, n);
    size_t old;
    memcpy(&old, (char *)ptr - HEADER, sizeof old);
    if (n <= old) return ptr;
    // The last block handed out grows in place (a list being appended to).
    char *block = (char *)ptr - HEADER;
    size_t need = footprint(n);
    if (need && block + footprint(old) == arena_next && need <= (size_t)(arena_hi - block)) {
        arena_next = block + need;
        memcpy(block, &n, sizeof n);
        return ptr;
    }
    void *grown = arena_malloc(ctx, n);
    if (grown) memcpy(grown, ptr, old);
    return grown;
}

static void arena_free(void *ctx, void *ptr) {
    if (!ptr || from_arena(ptr)) return;
    PyMemAllocatorEx *prev = ctx;
    prev->free(prev->ctx, ptr);
}

int pg_fresh_arena_open(size_t bytes) {
    void *region = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (region == MAP_FAILED) return -1;
    arena_lo = arena_next = region;
    arena_hi = arena_lo + bytes;
    PyMem_GetAllocator(PYMEM_DOMAIN_MEM, &previous_mem);
    PyMem_GetAllocator(PYMEM_DOMAIN_OBJ, &previous_obj);
    PyMemAllocatorEx hook = {&previous_mem, arena_malloc, arena_calloc, arena_realloc, arena_free};
    PyMem_SetAllocator(PYMEM_DOMAIN_MEM, &hook);
    hook.ctx = &previous_obj;
    PyMem_SetAllocator(PYMEM_DOMAIN_OBJ, &hook);
    return 0;
}
