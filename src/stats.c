/* SPDX-License-Identifier: MIT */
/*
 * stats.c - percentiles from a site's log2 histograms (stats.h).
 *
 * A histogram says which bucket holds the value at a percentile, not where
 * in it: the true value lies in the same bucket [2^(k-1), 2^k) as the
 * estimate, so they are within a factor of 2 of each other.  Within the
 * bucket the values are taken as evenly spread: the j-th of its c values
 * is put at the middle of the j-th of c equal parts.  When every value is
 * in one bucket the average is a better guess, exact when they are all
 * equal (a site that allocates one size), and is taken instead.
 */
#include "config.h"

#include "stats.h"

uint64_t
dist_percentile(const uint32_t hist[DIST_BUCKETS], uint64_t n, unsigned pct,
    uint64_t avg)
{
	uint64_t rank, below = 0, lo;
	unsigned k;

	if (n == 0)
		return 0;
	/* The rank-th smallest value, from 1: the nearest-rank method. */
	rank = (uint64_t)(((unsigned __int128)n * pct + 99) / 100);
	if (rank == 0)
		rank = 1;
	for (k = 0; k < DIST_BUCKETS - 1; k++) {
		if (hist[k] >= rank - below)
			break;
		below += hist[k];
	}
	lo = dist_lower(k);
	if (hist[k] == n && avg != UINT64_MAX && avg >= lo &&
	    (k == DIST_BUCKETS - 1 || avg < 2 * lo || (k == 0 && avg == 0)))
		return avg;
	if (k == 0 || k == DIST_BUCKETS - 1 || hist[k] == 0)
		return lo;
	/* lo + lo * (2j - 1) / 2c, j = rank - below: the j-th part's middle. */
	/* 2 * hist[k] in 64 bits: from 2^31 blocks on, 32 would wrap. */
	return lo + (uint64_t)((unsigned __int128)lo * (2 * (rank - below) - 1) /
	    (2 * (uint64_t)hist[k]));
}
