/* SPDX-License-Identifier: MIT */
/*
 * bootstrap.c - a small bump arena that serves allocations made before the
 * real allocator's addresses are known: dlsym() may itself call calloc while
 * the agent is asking it where calloc is.  Its blocks are never freed and
 * never reported; free() and realloc() recognise them by address.
 */
#include "config.h"

#include <string.h>

#include "agent.h"

#define ARENA_SIZE	BOOTSTRAP_ARENA_SIZE

/* Each block is preceded by its size, so realloc can copy it out. */
_Alignas(64) unsigned char bootstrap_arena[ARENA_SIZE];
static size_t arena_used;

void *
bootstrap_alloc(size_t size, size_t align)
{
	size_t start, old, end;

	if (align < 16)
		align = 16;
	if ((align & (align - 1)) != 0 || size > ARENA_SIZE)
		return NULL;
	old = __atomic_load_n(&arena_used, __ATOMIC_RELAXED);
	do {
		start = (old + sizeof(size_t) + align - 1) & ~(align - 1);
		end = start + size;
		if (end > ARENA_SIZE)
			return NULL;
	} while (!__atomic_compare_exchange_n(&arena_used, &old, end, 1,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	memcpy(bootstrap_arena + start - sizeof(size_t), &size, sizeof size);
	/* The arena is static storage: it is already zero, as calloc needs. */
	return bootstrap_arena + start;
}

size_t
bootstrap_size(const void *p)
{
	size_t size;

	memcpy(&size, (const unsigned char *)p - sizeof(size_t), sizeof size);
	return size;
}
