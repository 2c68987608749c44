/* SPDX-License-Identifier: MIT */
/*
 * now.h - the test programs' own clock, CLOCK_MONOTONIC in ns, against
 * which they check the lifetimes a profile gives their blocks.
 */
#ifndef HEAPPROF_TESTS_NOW_H
#define HEAPPROF_TESTS_NOW_H

#include <time.h>

static inline unsigned long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000000000u +
	    (unsigned long long)ts.tv_nsec;
}

#endif
