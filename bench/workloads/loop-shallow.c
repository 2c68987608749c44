/* SPDX-License-Identifier: MIT */
/*
 * loop-shallow.c - a tight malloc/free loop a few frames below main: the
 * cheapest event a profiler can see, so its cost is nearly all overhead.
 * usage: loop-shallow [PAIRS]
 */
#include <stdlib.h>

/* Every pointer is stored here so the compiler cannot drop a malloc/free pair. */
static void *volatile sink;

static void __attribute__((noinline))
churn(long pairs)
{
	long i;

	for (i = 0; i < pairs; i++) {
		sink = malloc(32 + (size_t)(i & 7) * 8);
		free(sink);
	}
}

int
main(int argc, char **argv)
{
	churn(argc > 1 ? atol(argv[1]) : 3000000);
	return 0;
}
