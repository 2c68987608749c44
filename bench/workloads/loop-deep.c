/* SPDX-License-Identifier: MIT */
/*
 * loop-deep.c - the same malloc/free loop as loop-shallow, run at the bottom
 * of a 50-frame recursion: the unwinder walks every frame on every event.
 * With DEPTH_MAX, each pair is made at its own depth from DEPTH to
 * DEPTH_MAX instead (a fixed pseudo-random sequence), as in a program whose
 * allocations come from stacks of many depths.
 * usage: loop-deep [PAIRS] [DEPTH] [DEPTH_MAX]
 */
#include <stdlib.h>

static void *volatile sink;
static volatile int depth_seen;

static void __attribute__((noinline))
churn(long pairs)
{
	long i;

	for (i = 0; i < pairs; i++) {
		sink = malloc(32 + (size_t)(i & 7) * 8);
		free(sink);
	}
}

/*
 * noinline and the volatile store after the call keep every level a real
 * frame: gcc can neither inline the recursion nor turn it into a loop.
 */
static void __attribute__((noinline))
descend(int depth, long pairs)
{
	if (depth <= 1)
		churn(pairs);
	else
		descend(depth - 1, pairs);
	depth_seen = depth;
}

int
main(int argc, char **argv)
{
	long pairs = argc > 1 ? atol(argv[1]) : 3000000;
	int depth = argc > 2 ? atoi(argv[2]) : 50;
	int max = argc > 3 ? atoi(argv[3]) : 0;
	unsigned long x = 42;
	long i;

	if (max <= depth) {
		descend(depth, pairs);
		return 0;
	}
	for (i = 0; i < pairs; i++) {
		x = x * 6364136223846793005UL + 1442695040888963407UL;
		descend(depth + (int)((x >> 33) % (unsigned long)(max - depth + 1)), 1);
	}
	return 0;
}
