/* SPDX-License-Identifier: MIT */
/*
 * tiers.c - code paths with known allocation counts, for budgets per path:
 *
 *   hot_path()     allocates nothing
 *   checkpoint()   3 x malloc(32), kept                     96 B in 3 blocks
 *   warm_path()    42 x malloc(16), each freed             672 B in 42 blocks
 *   shard_list()   calls warm_path() once more and then
 *                  malloc(100), freed                      772 B in 43 blocks
 *
 * So warm_path's path holds 84 blocks (1344 B): its own 42, and the 42 it
 * makes under shard_list.
 */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) void
hot_path(int n)
{
	int i, s = 0;

	for (i = 0; i < n; i++)
		s += i;
	sink = (void *)(long)s;
}

__attribute__((noinline)) void
checkpoint(void)
{
	int i;

	for (i = 0; i < 3; i++)
		sink = malloc(32);
}

__attribute__((noinline)) void
warm_path(void)
{
	int i;

	for (i = 0; i < 42; i++) {
		void *p = malloc(16);

		sink = p;
		free(p);
	}
}

__attribute__((noinline)) void
shard_list(void)
{
	void *p;

	warm_path();
	p = malloc(100);
	sink = p;
	free(p);
}

int
main(void)
{
	hot_path(10);
	checkpoint();
	warm_path();
	shard_list();
	return 0;
}
