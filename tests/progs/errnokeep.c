/* SPDX-License-Identifier: MIT */
/*
 * errnokeep.c - errno after each malloc-family call is what the real call
 * left: unchanged by a successful call (the agent's attach, its unwinder
 * and its ring must not show through), and the allocator's own error on
 * a failed one.
 *
 * Before each call errno is set to SENTINEL; after a successful call it
 * must still be SENTINEL, after a failing one ENOMEM (or EINVAL where
 * glibc says so).  The first allocation of the program and of each new
 * thread, and allocations through frames without unwind information
 * (nocfi.c: libunwind's address checks), are included.  Built with
 * -fno-builtin so that every call is made.  Prints each clobber and exits
 * with their number.
 */
#include <errno.h>
#include <malloc.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "nocfi.h"

#define SENTINEL	4242

void *volatile errnokeep_sink;
static volatile size_t huge = SIZE_MAX;	/* unknown to the compiler */
static int bad;

static void
expect(const char *what, int want)
{
	if (errno != want) {
		printf("errnokeep: errno %d after %s, expected %d\n", errno,
		    what, want);
		bad++;
	}
	errno = SENTINEL;
}

static void
successes(void)
{
	void *p;

	errno = SENTINEL;
	p = malloc(16);
	expect("malloc", SENTINEL);
	errnokeep_sink = p;
	free(p);
	expect("free", SENTINEL);
	p = calloc(10, 10);
	expect("calloc", SENTINEL);
	p = realloc(p, 200000);		/* moves, to an mmap'd block */
	expect("realloc", SENTINEL);
	errnokeep_sink = p;
	p = reallocarray(p, 3, 10);
	expect("reallocarray", SENTINEL);
	free(p);
	expect("free after realloc", SENTINEL);
	if (posix_memalign(&p, 64, 100) != 0)
		bad++;
	expect("posix_memalign", SENTINEL);
	free(p);
	p = aligned_alloc(64, 128);
	expect("aligned_alloc", SENTINEL);
	free(p);
	p = memalign(64, 100);
	expect("memalign", SENTINEL);
	free(p);
	p = valloc(100);
	expect("valloc", SENTINEL);
	free(p);
	p = nocfi_alloc(24);
	expect("malloc without unwind tables", SENTINEL);
	errnokeep_sink = p;
	free(p);
	expect("free", SENTINEL);
}

static void *
thread_main(void *arg)
{
	(void)arg;
	successes();
	return NULL;
}

int
main(void)
{
	pthread_t t;
	void *p;
	int i;

	successes();		/* the program's first allocation */
	for (i = 0; i < 2; i++) {
		if (pthread_create(&t, NULL, thread_main, NULL) != 0 ||
		    pthread_join(t, NULL) != 0)
			return 100;
	}
	/* Failures: the real call's errno passes through. */
	errno = SENTINEL;
	errnokeep_sink = malloc(huge);
	expect("malloc(SIZE_MAX)", ENOMEM);
	errnokeep_sink = calloc(huge / 2, 4);
	expect("calloc overflowing", ENOMEM);
	p = malloc(8);
	errnokeep_sink = realloc(p, huge - 64);
	expect("realloc(p, SIZE_MAX - 64)", ENOMEM);
	errnokeep_sink = reallocarray(p, huge / 2, 4);
	expect("reallocarray overflowing", ENOMEM);
	errnokeep_sink = p;	/* still the program's: free it through the sink */
	free(errnokeep_sink);
	printf("errnokeep: %d clobbered\n", bad);
	return bad;
}
