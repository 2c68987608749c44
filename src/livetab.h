/* SPDX-License-Identifier: MIT */
/*
 * livetab.h - the live-block table: address -> (site, size, birth time).
 * Sized for millions of blocks; an address is never 0 (malloc's NULL).
 */
#ifndef HEAPPROF_LIVETAB_H
#define HEAPPROF_LIVETAB_H

#include <stddef.h>
#include <stdint.h>

struct live_block {
	uint64_t addr;		/* 0 = empty slot */
	uint64_t size;
	uint64_t birth;		/* ns */
	uint32_t site;
	uint32_t dhat_site;	/* the site DHAT's realloc convention charges */
};

struct livetab {
	struct live_block *slots;
	size_t nslots;		/* a power of two */
	size_t count;
};

void livetab_init(struct livetab *t);
void livetab_release(struct livetab *t);
/* Make dst (uninitialised) an independent copy of src. */
void livetab_copy(struct livetab *dst, const struct livetab *src);

/* Returns the slot for addr, or NULL. Valid until the next insert. */
struct live_block *livetab_find(struct livetab *t, uint64_t addr);

/*
 * Insert a block. If addr is already present its slot is overwritten and 1
 * is returned (the caller counts that as an anomaly), else 0.
 */
int livetab_insert(struct livetab *t, const struct live_block *b);

/* Remove the block at addr, copying it to *out. Returns 0 if absent. */
int livetab_remove(struct livetab *t, uint64_t addr, struct live_block *out);

/* Visit every live block. */
#define LIVETAB_FOREACH(t, b)						\
	for ((b) = (t)->slots; (b) < (t)->slots + (t)->nslots; (b)++)	\
		if ((b)->addr != 0)

#endif
