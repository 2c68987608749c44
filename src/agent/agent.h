/*
 * agent.h - internals of the preload agent shared by its files.  Nothing
 * here is exported from the shared object (see exports.map).
 */
#ifndef HEAPPROF_AGENT_H
#define HEAPPROF_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "wire.h"

#define HIDDEN	__attribute__((visibility("hidden")))
#define EXPORT	__attribute__((visibility("default")))
#define TLS_IE	__attribute__((tls_model("initial-exec")))

/*
 * Set while this thread is inside the agent: any allocation made then (by
 * libunwind, libdl, ...) is the agent's own and goes straight to the real
 * allocator, uncounted.
 */
extern HIDDEN __thread int agent_busy TLS_IE;

/* Report a block the real allocator returned; p is never NULL. */
HIDDEN void agent_alloc(void *p, size_t size);

/* Report a block about to be freed, before the real free runs. */
HIDDEN void agent_free(void *p);

/*
 * realloc is recorded around the real call: agent_realloc_begin reserves
 * the record (so it is ordered before any reuse of the old address by
 * another thread) and returns a token for agent_realloc_end.
 */
HIDDEN void *agent_realloc_begin(uint32_t *len);
HIDDEN void agent_realloc_end(void *token, uint32_t len, void *old, void *new,
    size_t size);

/* Room for HP_MAX_FRAMES, the agent's own frames, and one to see overflow. */
#define HP_CAPTURE_SLOTS	(HP_MAX_FRAMES + 8)

/*
 * Fill buf[HP_CAPTURE_SLOTS] with return addresses, innermost first.
 * Returns how many (at most HP_MAX_FRAMES) follow buf[*first], the first
 * frame outside the agent; sets *truncated when the stack was deeper.
 */
HIDDEN int unwind_capture(void **buf, int *first, int *truncated);
HIDDEN void unwind_init(uintptr_t agent_lo, uintptr_t agent_hi);

/* Bump arena for allocations made while the real allocator is resolved. */
HIDDEN void *bootstrap_alloc(size_t size, size_t align);
HIDDEN int bootstrap_owns(const void *p);
HIDDEN size_t bootstrap_size(const void *p);

#endif
