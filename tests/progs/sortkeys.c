/* SPDX-License-Identifier: MIT */
/*
 * sortkeys.c - four sites that every heap sort key orders differently.
 *
 *   site   blocks x size   bytes   avg    max    at peak   at exit
 *   a         1 x 3000     3000    3000   3000   0         0
 *   b       100 x 50       5000    50     50     0         0
 *   c        10 x 700      7000    700    7000   7000      0
 *   d        10 x 400      4000    400    4000   4000      2000
 *
 *   bytes c b d a, blocks b c d a (c and d tie: by bytes), avg-size
 *   a c d b, max c d a b, peak c d b a, leaked d c b a (ties by bytes).
 *
 * Lifetime orders d c a b whatever the machine's speed, by nesting:
 * each of d's 10 blocks spans all of c's, which are 10; c's first block
 * spans a's; a's one block spans b's 100 blocks, one after another.
 *
 *   total 19000 B in 121 blocks; peak 11000 B in 20 blocks (c's ten
 *   and d's ten); at exit 2000 B in 5 blocks.
 */
#include <stdlib.h>

void *volatile sink;

/* The empty asm keeps malloc from being a tail call: each site a frame. */
#define SITE(name, size)						\
__attribute__((noinline)) static void *					\
name(void)								\
{									\
	void *p = malloc(size);						\
									\
	__asm__ volatile("" : : "r"(p) : "memory");			\
	return p;							\
}

SITE(site_a, 3000)
SITE(site_b, 50)
SITE(site_c, 700)
SITE(site_d, 400)

int
main(void)
{
	void *c[10], *d[10], *a;
	int i, j;

	for (i = 0; i < 10; i++)
		d[i] = site_d();
	for (i = 0; i < 10; i++) {
		c[i] = site_c();
		if (i != 0)
			continue;
		a = site_a();
		for (j = 0; j < 100; j++) {
			sink = site_b();
			free(sink);
		}
		free(a);
	}
	for (i = 0; i < 10; i++)
		free(c[i]);
	for (i = 0; i < 5; i++)
		free(d[i]);
	sink = d[5];
	return 0;
}
