/* SPDX-License-Identifier: MIT */
/*
 * aligned.c - the aligned allocators and reallocarray.
 *
 *   posix_memalign(64, 100)    100 B   freed
 *   aligned_alloc(64, 128)     128 B   freed
 *   memalign(32, 50)            50 B   freed
 *   valloc(200)                200 B   never freed
 *   reallocarray(NULL, 10, 8)   80 B   freed
 *   reallocarray(NULL, 2^62, 8)        overflows: NULL, not counted
 *
 *   total 558 B in 5 blocks; peak 558 B in 5 blocks (all live at once);
 *   at exit 200 B in 1 block.
 * (No malloc(0) here: valgrind's DHAT, the oracle, counts it as 1 byte.)
 */
#include <malloc.h>
#include <stdlib.h>

void *volatile sink;
volatile size_t huge = (size_t)1 << 62;

int
main(void)
{
	void *a, *b, *c, *d, *e;

	if (posix_memalign(&a, 64, 100) != 0)
		return 1;
	b = aligned_alloc(64, 128);
	c = memalign(32, 50);
	d = valloc(200);
	e = reallocarray(NULL, 10, 8);
	sink = reallocarray(NULL, huge, 8);
	sink = a;
	sink = b;
	sink = c;
	sink = d;
	sink = e;
	free(a);
	free(b);
	free(c);
	free(e);
	return 0;
}
