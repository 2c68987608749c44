/* SPDX-License-Identifier: MIT */
/*
 * basic.c - malloc, calloc and free at two sites; no stdio, so libc adds
 * no blocks of its own.
 *
 *   leak_calloc()  5 x calloc(4, 25), never freed     500 B in  5 blocks
 *   churn()        10 x malloc(100), each freed      1000 B in 10 blocks
 *
 *   total 1500 B in 15 blocks; peak 600 B in 6 blocks (the leaks and one
 *   churn block); at exit 500 B in 5 blocks.
 */
#include <stdlib.h>

void *volatile sink;
void *volatile leaks[5];

__attribute__((noinline)) static void
leak_calloc(void)
{
	int i;

	for (i = 0; i < 5; i++)
		leaks[i] = calloc(4, 25);
}

__attribute__((noinline)) static void
churn(void)
{
	int i;

	for (i = 0; i < 10; i++) {
		void *p = malloc(100);

		sink = p;
		free(p);
	}
}

int
main(void)
{
	leak_calloc();
	churn();
	return 0;
}
