/* SPDX-License-Identifier: MIT */
/*
 * zero.c - zero-byte blocks: malloc(0) (freed), realloc(NULL, 0) and
 * calloc(0, 4) (never freed).  glibc returns a block for each; valgrind's
 * DHAT, the oracle, counts each as 1 byte, and heapprof's DHAT export
 * follows its conventions:
 *
 *   total 3 B in 3 blocks; peak 2 B in 2 blocks; at exit 2 B in 2 blocks.
 */
#include <stdlib.h>

void *volatile sink;

int
main(void)
{
	sink = malloc(0);
	free(sink);
	sink = realloc(NULL, 0);
	sink = calloc(0, 4);
	return 0;
}
