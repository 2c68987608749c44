/* SPDX-License-Identifier: MIT */
/*
 * dtv-threads.c - THREADS threads (default 6, at most 8) alive at once,
 * each making a pattern of calls of its own at a site of its own.  glibc
 * callocs each new thread's DTV in pthread_create (allocate_dtv), a block
 * whose size counts the TLS modules loaded: what a preloaded profiler's
 * own TLS would add to every thread shows there.
 *
 * Every number of every site is the same on every run, peaks included:
 * each thread first mallocs and frees blocks of 64..512 bytes one at a
 * time, then, once every thread is past that (a barrier), keeps blocks of
 * 2000 bytes and more, which outweigh anything live before, and waits
 * again, so that no thread is joined (when glibc may free its DTV) before
 * the peak; main frees some blocks after joining the threads and leaves
 * the rest.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define MAX_THREADS	8
#define KEPT		3

static pthread_barrier_t phase;
static void *kept[MAX_THREADS][KEPT];

/* A site per thread: the stacks differ in their innermost frame. */
#define SITE(k)								\
static __attribute__((noinline)) void *					\
site##k(size_t size, int zero)						\
{									\
	void *p = zero ? calloc(1, size) : malloc(size);		\
									\
	if (p != NULL)							\
		memset(p, k, size);					\
	return p;							\
}
SITE(0) SITE(1) SITE(2) SITE(3) SITE(4) SITE(5) SITE(6) SITE(7)

static void *(*const sites[MAX_THREADS])(size_t, int) = {
	site0, site1, site2, site3, site4, site5, site6, site7,
};

static void *
worker(void *arg)
{
	int k = (int)(long)arg, i;
	void *p;

	for (i = 0; i <= k; i++) {
		p = sites[k]((size_t)64 * (i + 1), i & 1);
		free(p);
	}
	pthread_barrier_wait(&phase);
	for (i = 0; i < KEPT; i++)
		kept[k][i] = sites[k](2000 + (size_t)100 * k + (size_t)i, 0);
	/* glibc may free a DTV once its thread is joined: not before. */
	pthread_barrier_wait(&phase);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];
	int n = argc > 1 ? atoi(argv[1]) : 6, k;

	if (n < 1 || n > MAX_THREADS)
		return 2;
	pthread_barrier_init(&phase, NULL, (unsigned)n);
	for (k = 0; k < n; k++)
		if (pthread_create(&t[k], NULL, worker, (void *)(long)k) != 0)
			return 1;
	for (k = 0; k < n; k++)
		pthread_join(t[k], NULL);
	/* The first kept block of each thread goes; the others stay. */
	for (k = 0; k < n; k++)
		free(kept[k][0]);
	return 0;
}
