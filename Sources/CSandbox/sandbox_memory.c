// Whether the worker's malloc overwrites what is freed (the scrubbed-memory
// layer), checked by freeing a block and looking.
#include "sandbox_internal.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>

/* Looks at a block after free(): what is left of it (past the allocator's
   own pointers at its start) must not be what was written. A small block
   (the thread cache's size class) and a larger one. */
__attribute__((noinline)) static int freed_block_keeps(size_t size) {
    uint8_t *p = malloc(size);
    // A block after it: the freed one cannot merge into the top of the heap,
    // which malloc may give back to the kernel (reading it would fault).
    void *guard = malloc(64);
    if (!p || !guard) {
        free(p);
        free(guard);
        return 1;
    }
    volatile uint8_t *look = p;
    for (size_t i = 0; i < size; i++) look[i] = 0x11;  // volatile: not a dead store before free()
    free(p);
    int kept = 0;
    for (size_t i = 32; i + 16 < size; i++) kept += look[i] == 0x11;
    free(guard);
    return kept > 0;
}

int pg_sandbox_check_memory_scrub(void) {
    if (pg_layer_disabled(PG_LAYER_MEMORY_SCRUB)) {
        mallopt(M_PERTURB, 0);
        return -1;
    }
    if (freed_block_keeps(200) || freed_block_keeps(4000)) {
        pg_set_layer(PG_LAYER_MEMORY_SCRUB, 0,
                     "malloc keeps freed bytes (GLIBC_TUNABLES ignored: not glibc >= 2.26, or a setuid binary)");
        return -1;
    }
    pg_set_layer(PG_LAYER_MEMORY_SCRUB, 1,
                 "the worker's malloc overwrites what is freed and its stack is wiped before each fork: no candidate's "
                 "bytes reach the next one's child");
    return 0;
}
