/* SPDX-License-Identifier: MIT */
/*
 * flame.c - a call tree of known shape, for the flame graphs:
 *
 *   main -> outer              1 x malloc(100), freed after left    100 B
 *   main -> outer -> right     2 x malloc(500), never freed        1000 B
 *   main -> outer -> left      4 x malloc(1000), each freed        4000 B
 *   main -> other              1 x malloc(50), never freed           50 B
 *
 *   total 5150 B in 8 blocks; peak 2100 B in 4 blocks (outer's, right's
 *   two and one of left's); at exit 1050 B in 3 blocks.
 *
 * By total bytes the graph has three leaves (left, right, other) and
 * outer a box wider than its callees; by bytes at exit two (right,
 * other); by bytes at the peak two (left, right).
 */
#include <stdlib.h>

void *volatile sink;
void *volatile kept[3];

__attribute__((noinline)) static void
right(void)
{
	kept[0] = malloc(500);
	kept[1] = malloc(500);
}

__attribute__((noinline)) static void
left(void)
{
	int i;

	for (i = 0; i < 4; i++) {
		void *p = malloc(1000);

		sink = p;
		free(p);
	}
}

__attribute__((noinline)) static void
outer(void)
{
	void *p = malloc(100);

	sink = p;
	right();
	left();
	free(p);
}

__attribute__((noinline)) static void
other(void)
{
	kept[2] = malloc(50);
}

int
main(void)
{
	outer();
	other();
	return 0;
}
