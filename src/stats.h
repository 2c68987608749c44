/* SPDX-License-Identifier: MIT */
/*
 * stats.h - the numbers of an allocation site, valgrind DHAT's model: one
 * vocabulary for the collector that counts them and the profile that
 * keeps them, so neither layer knows the other's structures.
 */
#ifndef HEAPPROF_STATS_H
#define HEAPPROF_STATS_H

#include <stdint.h>

/*
 * A site's numbers under one convention (collect.h says how the two
 * differ).  Times are ns in a profile; the collector counts in its clock's
 * ticks until collector_scale_time.
 */
struct prof_stats {
	uint64_t tb, tbk;	/* total bytes, blocks */
	uint64_t tl;		/* total lifetime (live ones up to the end) */
	uint64_t mb, mbk;	/* the site's own maximum live bytes, and blocks then */
	uint64_t gb, gbk;	/* live at t-gmax */
	uint64_t eb, ebk;	/* live at the end */
};

enum { STATS_OWN, STATS_DHAT, STATS_N };

/* What the collector saw that the agent cannot have meant. */
struct anomalies {
	uint64_t unknown_free;		/* free of an address never allocated */
	uint64_t unknown_realloc;	/* realloc of an address never allocated */
	uint64_t live_realloc;		/* allocation at an address still live */
	uint64_t bad_record;		/* malformed ring record */
};

#endif
