/* SPDX-License-Identifier: MIT */
/*
 * Ad-hoc events of known weights at two sites, beside a few blocks:
 * site_a 3 events weighing 10 + 20 + 30, site_b 4 events of 5.  Built
 * with valgrind's dhat.h, each event is DHAT's too, so that valgrind
 * --tool=dhat --mode=ad-hoc can check the totals.  Prints the result of
 * heapprof_ad_hoc, whether DHAT's events were built in, and the blocks
 * heapprof_stats counted (none under --mode=ad-hoc).
 */
#include <stdio.h>
#include <stdlib.h>

#include "heapprof.h"

#if defined(__has_include)
#if __has_include(<valgrind/dhat.h>)
#include <valgrind/dhat.h>
#endif
#endif
#ifdef DHAT_AD_HOC_EVENT
#define HAVE_DHAT	1
#else
#define HAVE_DHAT	0
#define DHAT_AD_HOC_EVENT(w)	((void)(w))
#endif

static int rc;

static __attribute__((noinline)) void
site_a(uint64_t w)
{
	DHAT_AD_HOC_EVENT(w);
	rc = heapprof_ad_hoc(w);
}

static __attribute__((noinline)) void
site_b(void)
{
	DHAT_AD_HOC_EVENT(5);
	rc = heapprof_ad_hoc(5);
}

int
main(void)
{
	void *volatile p[3];
	struct heapprof_stats st;
	int i;

	for (i = 0; i < 3; i++)
		p[i] = malloc(100);
	site_a(10);
	site_a(20);
	site_a(30);
	for (i = 0; i < 4; i++)
		site_b();
	for (i = 0; i < 3; i++)
		free(p[i]);
	if (heapprof_stats(&st) == HEAPPROF_OK)
		printf("blocks %llu\n", (unsigned long long)st.total_blocks);
	printf("ad-hoc %d\ndhat %d\n", rc, HAVE_DHAT);
	return 0;
}
