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

/*
 * The distributions of a site's blocks (own convention): how many fell in
 * each log2 bucket of size and of lifetime.  Bucket 0 holds the value 0,
 * bucket k (1 <= k < DIST_BUCKETS - 1) the values in [2^(k-1), 2^k), the
 * last bucket every value from 2^(DIST_BUCKETS-2) on.  Every block is
 * counted once in each: a freed block's lifetime when it is freed, a
 * block live at the end with its lifetime up to the end.  Lifetimes are
 * in the collector's clock ticks: struct profile says how long a tick is,
 * so that each block lands in its bucket exactly, whatever the clock.
 * A bucket counts up to DIST_MAX blocks and stays there: 384 bytes a site
 * rather than twice as many, for a limit no bucket of a site reaches but
 * in a run of billions of allocations.
 */
#define DIST_BUCKETS	48
#define DIST_MAX	UINT32_MAX

struct prof_dist {
	uint32_t size[DIST_BUCKETS];	/* blocks by size in bytes */
	uint32_t life[DIST_BUCKETS];	/* blocks by lifetime in ticks */
};

/* The bucket of value v. */
static inline unsigned
dist_bucket(uint64_t v)
{
	unsigned bits = v != 0 ? 64 - (unsigned)__builtin_clzll(v) : 0;

	return bits < DIST_BUCKETS - 1 ? bits : DIST_BUCKETS - 1;
}

/* Count one more block in bucket k of hist, up to DIST_MAX. */
static inline void
dist_add(uint32_t *hist, unsigned k)
{
	hist[k] += hist[k] != DIST_MAX;
}

/* The smallest value of bucket k (k < DIST_BUCKETS). */
static inline uint64_t
dist_lower(unsigned k)
{
	return k != 0 ? (uint64_t)1 << (k - 1) : 0;
}

/*
 * The value at percentile pct (1..100) of a histogram of n values in all
 * (the sum of its buckets), estimated within the bucket that holds it
 * (stats.c says how); avg is the values' average, in the histogram's unit,
 * or UINT64_MAX if unknown.  0 when n is 0.
 */
uint64_t dist_percentile(const uint32_t hist[DIST_BUCKETS], uint64_t n,
    unsigned pct, uint64_t avg);

/*
 * Live bytes over time: the lowest and highest value in the interval
 * [time, next point's time), or the end of the run for the last point.
 */
struct prof_point {
	uint64_t time;		/* ns from the start (ticks while collecting) */
	uint64_t lo, hi;	/* live bytes */
};

/* What the collector saw that the agent cannot have meant. */
struct anomalies {
	uint64_t unknown_free;		/* free of an address never allocated */
	uint64_t unknown_realloc;	/* realloc of an address never allocated */
	uint64_t live_realloc;		/* allocation at an address still live */
	uint64_t bad_record;		/* malformed ring record */
	uint64_t unwind_mismatch;	/* HEAPPROF_CHECK_UNWIND: a capture
					   libunwind unwinds otherwise */
	/*
	 * Not an anomaly, kept beside them: events recorded from a signal
	 * handler that interrupted an allocation (HP_RECF_NESTED).
	 */
	uint64_t nested;
};

#endif
