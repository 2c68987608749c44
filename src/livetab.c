/* SPDX-License-Identifier: MIT */
/*
 * livetab.c - live blocks in an open-addressing table with linear probing
 * and backward-shift deletion (no tombstones, so a long run of frees does
 * not slow lookups down).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "livetab.h"
#include "xmalloc.h"

void
livetab_init(struct livetab *t)
{
	t->nslots = 4096;
	t->count = 0;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
}

void
livetab_release(struct livetab *t)
{
	free(t->slots);
	memset(t, 0, sizeof *t);
}

void
livetab_copy(struct livetab *dst, const struct livetab *src)
{
	*dst = *src;
	dst->slots = xmemdup(src->slots, src->nslots * sizeof *src->slots);
}

static size_t
livetab_home(const struct livetab *t, uint64_t addr)
{
	return hash_u64(addr) & (t->nslots - 1);
}

struct live_block *
livetab_find(struct livetab *t, uint64_t addr)
{
	size_t mask = t->nslots - 1, i = livetab_home(t, addr);

	for (; t->slots[i].addr != 0; i = (i + 1) & mask)
		if (t->slots[i].addr == addr)
			return &t->slots[i];
	return NULL;
}

static void
livetab_grow(struct livetab *t)
{
	struct live_block *old = t->slots, *b;
	size_t oldn = t->nslots, i, mask;

	t->nslots *= 2;
	mask = t->nslots - 1;
	t->slots = xcalloc(t->nslots, sizeof *t->slots);
	for (b = old; b < old + oldn; b++) {
		if (b->addr == 0)
			continue;
		for (i = livetab_home(t, b->addr); t->slots[i].addr != 0;
		    i = (i + 1) & mask)
			;
		t->slots[i] = *b;
	}
	free(old);
}

int
livetab_insert(struct livetab *t, const struct live_block *b)
{
	struct live_block *slot = livetab_find(t, b->addr);
	size_t mask, i;

	if (slot != NULL) {
		*slot = *b;
		return 1;
	}
	if ((t->count + 1) * 4 > t->nslots * 3)
		livetab_grow(t);
	mask = t->nslots - 1;
	for (i = livetab_home(t, b->addr); t->slots[i].addr != 0;
	    i = (i + 1) & mask)
		;
	t->slots[i] = *b;
	t->count++;
	return 0;
}

int
livetab_remove(struct livetab *t, uint64_t addr, struct live_block *out)
{
	struct live_block *slot = livetab_find(t, addr);
	size_t mask = t->nslots - 1, hole, i, home;

	if (slot == NULL)
		return 0;
	*out = *slot;
	hole = (size_t)(slot - t->slots);
	/* Shift back every entry of the run that may now sit nearer home. */
	for (i = (hole + 1) & mask; t->slots[i].addr != 0;
	    i = (i + 1) & mask) {
		home = livetab_home(t, t->slots[i].addr);
		if (((i - home) & mask) >= ((i - hole) & mask)) {
			t->slots[hole] = t->slots[i];
			hole = i;
		}
	}
	t->slots[hole].addr = 0;
	t->count--;
	return 1;
}
