/* SPDX-License-Identifier: MIT */
/*
 * churn.c - many short-lived blocks of known sizes: block i has 1 + i % 100
 * bytes and is freed before the next is made.
 *
 * Expected, for 20000 blocks: tb = 200 * (1 + ... + 100) = 1010000,
 * tbk = 20000, nothing live at exit; the peak is one 100-byte block.
 */
#include <stdlib.h>

void *volatile churn_sink;

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 20000, i;

	for (i = 0; i < n; i++) {
		churn_sink = malloc(1 + (size_t)(i % 100));
		free(churn_sink);
	}
	return 0;
}
