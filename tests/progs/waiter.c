/* SPDX-License-Identifier: MIT */
/*
 * waiter.c - allocates in waiting_site, then waits for one byte on its
 * standard input before it allocates in released_site and exits: a test
 * can see what heapprof does while the program is certainly running.
 *
 * Expected: total 300 B in 2 blocks; at exit 0 B.
 */
#include <stdlib.h>
#include <unistd.h>

void *volatile sink;

__attribute__((noinline)) static void
waiting_site(void)
{
	sink = malloc(100);
	free(sink);
}

__attribute__((noinline)) static void
released_site(void)
{
	sink = malloc(200);
	free(sink);
}

int
main(void)
{
	char c;

	waiting_site();
	if (read(0, &c, 1) != 1)
		return 1;
	released_site();
	return 0;
}
