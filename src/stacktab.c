/* SPDX-License-Identifier: MIT */
/*
 * stacktab.c - call-stack interning with an open-addressing table of ids.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "stacktab.h"
#include "xmalloc.h"

void
stacktab_init(struct stacktab *t)
{
	memset(t, 0, sizeof *t);
	t->nbuckets = 1024;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
}

void
stacktab_release(struct stacktab *t)
{
	free(t->frames);
	free(t->stacks);
	free(t->buckets);
	memset(t, 0, sizeof *t);
}

void
stacktab_copy(struct stacktab *dst, const struct stacktab *src)
{
	*dst = *src;
	dst->frames_cap = src->nframes;
	dst->frames = xmemdup(src->frames, src->nframes * sizeof *src->frames);
	dst->stacks_cap = src->nstacks;
	dst->stacks = xmemdup(src->stacks, src->nstacks * sizeof *src->stacks);
	dst->buckets = xmemdup(src->buckets,
	    src->nbuckets * sizeof *src->buckets);
}

static void
stacktab_rehash(struct stacktab *t)
{
	size_t i, b, mask;

	free(t->buckets);
	t->nbuckets *= 2;
	mask = t->nbuckets - 1;
	t->buckets = xcalloc(t->nbuckets, sizeof *t->buckets);
	for (i = 0; i < t->nstacks; i++) {
		b = t->stacks[i].hash & mask;
		while (t->buckets[b] != 0)
			b = (b + 1) & mask;
		t->buckets[b] = (uint32_t)i + 1;
	}
}

uint32_t
stacktab_intern(struct stacktab *t, const uint64_t *frames, uint32_t n,
    int truncated)
{
	uint64_t h = hash_u64s(frames, n) ^ (uint64_t)(truncated != 0);
	size_t mask = t->nbuckets - 1, b = h & mask;
	struct stack_ent *e;
	uint32_t id;

	for (; t->buckets[b] != 0; b = (b + 1) & mask) {
		e = &t->stacks[t->buckets[b] - 1];
		if (e->hash == h && e->n == n &&
		    e->truncated == (uint32_t)(truncated != 0) &&
		    (n == 0 || memcmp(t->frames + e->first, frames,
		    n * sizeof *frames) == 0))
			return t->buckets[b] - 1;
	}
	t->frames = xgrow(t->frames, &t->frames_cap, t->nframes + n,
	    sizeof *t->frames);
	if (n != 0)
		memcpy(t->frames + t->nframes, frames, n * sizeof *frames);
	t->stacks = xgrow(t->stacks, &t->stacks_cap, t->nstacks + 1,
	    sizeof *t->stacks);
	id = (uint32_t)t->nstacks++;
	e = &t->stacks[id];
	e->first = t->nframes;
	e->n = n;
	e->truncated = truncated != 0;
	e->hash = h;
	t->nframes += n;
	t->buckets[b] = id + 1;
	/* Keep the load under one half so probes stay short. */
	if (t->nstacks * 2 > t->nbuckets)
		stacktab_rehash(t);
	return id;
}

const uint64_t *
stacktab_frames(const struct stacktab *t, uint32_t id, uint32_t *n)
{
	*n = t->stacks[id].n;
	return t->frames + t->stacks[id].first;
}
