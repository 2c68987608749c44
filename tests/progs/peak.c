/* SPDX-License-Identifier: MIT */
/*
 * peak.c - the global peak is in the middle, not at the end.
 *
 *   a = malloc(1000); b = malloc(2000)     live 3000 B, 2 blocks
 *   free(a); c = malloc(500)               live 2500 B
 *   free(b); free(c)                       live 0
 *   d = malloc(3000); free(d)              live 3000 B again, 1 block
 *
 * The peak (t-gmax) is the last moment live bytes were at their maximum,
 * as in DHAT: 3000 B in 1 block, all from site_c.
 *   total 6500 B in 4 blocks; at exit 0 B in 0 blocks.
 */
#include <stdlib.h>

void *volatile sink;

__attribute__((noinline)) static void *
site_a(void)
{
	return malloc(1000);
}

__attribute__((noinline)) static void *
site_b(void)
{
	return malloc(2000);
}

__attribute__((noinline)) static void *
site_c(size_t n)
{
	return malloc(n);
}

int
main(void)
{
	void *a = site_a(), *b = site_b(), *c, *d;

	sink = a;
	sink = b;
	free(a);
	c = site_c(500);
	sink = c;
	free(b);
	free(c);
	d = site_c(3000);
	sink = d;
	free(d);
	return 0;
}
