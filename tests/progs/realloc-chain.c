/* SPDX-License-Identifier: MIT */
/*
 * realloc-chain.c - realloc's conventions.
 *
 *   leak()    realloc(NULL, 33), never freed: a malloc      33 B, 1 block
 *   chain()   malloc(10), then realloc to 20, 40, 80, 160, then free:
 *             five blocks, 310 B; heapprof charges the four resized
 *             blocks to the realloc's stack, DHAT to the malloc's
 *   to_zero() malloc(7), then realloc(p, 0), which frees it   7 B, 1 block
 *
 *   total 350 B in 7 blocks; peak 193 B in 2 blocks (the leak and the
 *   160-byte block); at exit 33 B in 1 block.
 */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) static void
leak(void)
{
	sink = realloc(NULL, 33);
}

__attribute__((noinline)) static void *
resize(void *p, size_t n)
{
	return realloc(p, n);
}

__attribute__((noinline)) static void
chain(void)
{
	char *p = malloc(10);
	size_t n;

	for (n = 20; n <= 160; n *= 2) {
		p = resize(p, n);
		sink = p;
	}
	free(p);
}

__attribute__((noinline)) static void
to_zero(void)
{
	void *p = malloc(7);

	sink = p;
	sink = resize(p, 0);
}

int
main(void)
{
	leak();
	chain();
	to_zero();
	return 0;
}
