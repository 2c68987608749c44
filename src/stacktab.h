/* SPDX-License-Identifier: MIT */
/*
 * stacktab.h - interning of call stacks: each distinct sequence of return
 * addresses gets a small dense id, 0, 1, 2, ... in order of first sight.
 */
#ifndef HEAPPROF_STACKTAB_H
#define HEAPPROF_STACKTAB_H

#include <stddef.h>
#include <stdint.h>

struct stacktab {
	uint64_t *frames;	/* all stacks' frames, back to back */
	size_t nframes, frames_cap;
	struct stack_ent {
		size_t first;	/* index into frames */
		uint32_t n;
		uint32_t truncated;
		uint64_t hash;
	} *stacks;
	size_t nstacks, stacks_cap;
	uint32_t *buckets;	/* stack id + 1, 0 = empty; open addressing */
	size_t nbuckets;
};

void stacktab_init(struct stacktab *t);
void stacktab_release(struct stacktab *t);
/* Make dst (uninitialised) an independent copy of src. */
void stacktab_copy(struct stacktab *dst, const struct stacktab *src);

/* Return the id of this stack, adding it if new.  frames is copied. */
uint32_t stacktab_intern(struct stacktab *t, const uint64_t *frames,
    uint32_t n, int truncated);

/* The frames of stack `id`; valid until the next intern. */
const uint64_t *stacktab_frames(const struct stacktab *t, uint32_t id,
    uint32_t *n);

#endif
