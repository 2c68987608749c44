/* SPDX-License-Identifier: MIT */
/*
 * one-malloc.c - a program that allocates one block and exits: what a
 * profiler costs a short program, its start-up and its end.
 */
#include <stdlib.h>

static void *volatile sink;

int
main(void)
{
	sink = malloc(100);
	return 0;
}
