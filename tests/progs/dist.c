/* SPDX-License-Identifier: MIT */
/*
 * dist.c - three sites whose sizes and lifetimes are known, for the
 * distributions (heapprof report --percentiles and the p50/p90 keys).
 * Each site allocates at one call in a function of its own, called from
 * one place (the functions differ, so that none is folded into another;
 * the loop counts are volatile, so that no loop is unrolled into more
 * calls).  Lifetimes are held by waiting on the program's own clock, so
 * each is at least what is said below (and more only by as much as the
 * machine delays it).
 *
 *   alloc_f  500 blocks of 32 B, each freed 0.8 ms or more after it was
 *            allocated: total lifetime >= 400 ms, median and 90th
 *            percentile about a millisecond.  Sizes: 32, 32.
 *   alloc_s  3 blocks of 100, 200 and 5000 B, freed after 10 ms: total
 *            lifetime about 30 ms, median and 90th 10 ms.  Sizes: the
 *            2nd of 3 is in [128, 256), alone: 128 + 128/2 = 192; the
 *            3rd in [4096, 8192), alone: 6144.
 *   alloc_m  10 blocks: 8 of 1000 B freed at once, 2 of 70000 B freed
 *            60 ms after s's blocks: each lives s's lifetime and 60 ms
 *            more, total lifetime about 140 ms, median a few
 *            microseconds, 90th percentile 70 ms.  Sizes: the 5th of 10
 *            is the 5th of the 8 in [512, 1024): 512 + 512 * 9/16 = 800;
 *            the 9th the 1st of the 2 in [65536, 131072):
 *            65536 + 65536 * 1/4 = 81920.
 *
 * So by total lifetime the order is f, m, s; by median lifetime s, f, m;
 * by 90th percentile lifetime m, s, f.  A loaded machine only lengthens
 * lifetimes; the margins are wide, and m's blocks outlive s's by 60 ms
 * whatever s's took, so that delays do not reorder the sites: s passes
 * m in total only if its blocks live 120 ms instead of 10.
 */
#include <stdlib.h>
#include <time.h>

#include "now.h"

void *volatile dist_sink[3];
volatile int dist_n[3] = { 500, 3, 10 };

/* Spin, not sleep: the time is the program's, however the kernel is. */
static void
wait_since(unsigned long long t0, unsigned long long ns)
{
	while (now_ns() - t0 < ns)
		continue;
}

/* One call each; the store after it keeps the frame (no tail call). */
static __attribute__((noinline)) void *
alloc_f(size_t n)
{
	void *p = malloc(n);

	dist_sink[0] = p;
	return p;
}

static __attribute__((noinline)) void *
alloc_s(size_t n)
{
	void *p = malloc(n);

	dist_sink[1] = p;
	return p;
}

static __attribute__((noinline)) void *
alloc_m(size_t n)
{
	void *p = malloc(n);

	dist_sink[2] = p;
	return p;
}

int
main(void)
{
	static const size_t s_sizes[3] = { 100, 200, 5000 };
	static volatile size_t m_sizes[10] = { 1000, 1000, 1000, 1000, 1000,
	    1000, 1000, 1000, 70000, 70000 };
	void *f[500], *s[3], *m[2], *p;
	unsigned long long ts, tf;
	int i;

	for (i = 0; i < dist_n[2]; i++) {
		p = alloc_m(m_sizes[i]);
		if (i < 8)
			free(p);
		else
			m[i - 8] = p;
	}
	for (i = 0; i < dist_n[1]; i++)
		s[i] = alloc_s(s_sizes[i]);
	ts = now_ns();
	for (i = 0; i < dist_n[0]; i++)
		f[i] = alloc_f(32);
	tf = now_ns();
	wait_since(tf, 800000);
	for (i = 0; i < 500; i++)
		free(f[i]);
	wait_since(ts, 10000000);
	for (i = 0; i < 3; i++)
		free(s[i]);
	wait_since(now_ns(), 60000000);
	for (i = 0; i < 2; i++)
		free(m[i]);
	return 0;
}
