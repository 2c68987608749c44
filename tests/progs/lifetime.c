/* SPDX-License-Identifier: MIT */
/*
 * lifetime.c - one block held across a sleep of known length, so that a
 * profile's lifetime can be checked against the program's own clock.
 * Prints "slept NS" to stderr: CLOCK_MONOTONIC from just after malloc
 * returned to just before free is called.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "now.h"

void *volatile lifetime_sink;

int
main(void)
{
	struct timespec pause = { 0, 60 * 1000 * 1000 };
	unsigned long long t0, t1;

	lifetime_sink = malloc(4096);
	t0 = now_ns();
	nanosleep(&pause, NULL);
	t1 = now_ns();
	free(lifetime_sink);
	fprintf(stderr, "slept %llu\n", t1 - t0);
	return 0;
}
