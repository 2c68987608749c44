/* SPDX-License-Identifier: MIT */
/*
 * demo.c - the README's demo workload, with a few patterns a heap profiler
 * should tell apart:
 *
 *   leak()          100 blocks of 64 bytes never freed       6400 B at exit
 *   short_lived()   10000 blocks of 32 bytes, each freed at once
 *   big_peak()      one 1 MiB buffer, freed: the global peak
 *   grow()          a buffer grown by realloc from 16 to 4096 bytes
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Stores keep the compiler from removing allocations it can see unused. */
void *volatile demo_sink;

void **volatile demo_leaked;

__attribute__((noinline)) static void
leak(void)
{
	int i;

	demo_leaked = calloc(100, sizeof *demo_leaked);
	for (i = 0; i < 100; i++)
		demo_leaked[i] = malloc(64);
}

__attribute__((noinline)) static void
short_lived(void)
{
	int i;

	for (i = 0; i < 10000; i++) {
		char *p = malloc(32);

		demo_sink = p;
		free(p);
	}
}

__attribute__((noinline)) static void
big_peak(void)
{
	char *p = malloc(1 << 20);

	memset(p, 1, 1 << 20);
	demo_sink = p;
	free(p);
}

__attribute__((noinline)) static void
grow(void)
{
	char *p = NULL;
	size_t n;

	for (n = 16; n <= 4096; n *= 2) {
		p = realloc(p, n);
		demo_sink = p;
	}
	free(p);
}

int
main(void)
{
	leak();
	short_lived();
	big_peak();
	grow();
	printf("demo: done\n");
	return 0;
}
