/* SPDX-License-Identifier: MIT */
/*
 * realloc-growth.c - buffers grown by realloc the way a string builder
 * grows: by small steps up to 4 KiB, then by doubling up to 1 MiB, many
 * times over.  Exercises realloc in place and realloc that moves.
 * usage: realloc-growth [ROUNDS]
 */
#include <stdlib.h>
#include <string.h>

static void *volatile sink;

static void __attribute__((noinline))
grow_small(void)
{
	char *p = NULL;
	size_t n;

	for (n = 24; n <= 4096; n += 24) {
		p = realloc(p, n);
		p[n - 1] = 1;
		sink = p;
	}
	free(p);
}

static void __attribute__((noinline))
grow_double(void)
{
	char *p = NULL;
	size_t n;

	for (n = 64; n <= 1 << 20; n *= 2) {
		p = realloc(p, n);
		p[n - 1] = 1;
		sink = p;
	}
	free(p);
}

int
main(int argc, char **argv)
{
	long rounds = argc > 1 ? atol(argv[1]) : 12000, i;

	for (i = 0; i < rounds; i++) {
		grow_small();
		if (i % 16 == 0)
			grow_double();
	}
	return 0;
}
