/* SPDX-License-Identifier: MIT */
/*
 * threads.c - eight threads, each churning its own 256-slot window of
 * mixed-size blocks: contention in the allocator and in the profiler.
 * Totals are deterministic (each thread's sequence is fixed); the global
 * peak is not, since it depends on how the threads interleave.
 * usage: threads [ALLOCS-PER-THREAD] [THREADS]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#define SLOTS	256
#define MAX_THREADS	64

static long per_thread = 400000;
static void *volatile sink;

static void *
worker(void *arg)
{
	uint32_t seed = (uint32_t)(uintptr_t)arg * 7919u + 1;
	void *slot[SLOTS] = { 0 };
	long i;
	uint32_t k;

	for (i = 0; i < per_thread; i++) {
		seed = seed * 1103515245u + 12345u;
		k = (seed >> 8) % SLOTS;
		free(slot[k]);
		slot[k] = malloc(16 + (seed >> 16) % 500);
		sink = slot[k];
	}
	for (k = 0; k < SLOTS; k++)
		free(slot[k]);
	return NULL;
}

int
main(int argc, char **argv)
{
	pthread_t t[MAX_THREADS];
	int n = 8, i;

	if (argc > 1)
		per_thread = atol(argv[1]);
	if (argc > 2)
		n = atoi(argv[2]);
	if (n < 1 || n > MAX_THREADS)
		return 2;
	for (i = 0; i < n; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(uintptr_t)i))
			return 1;
	for (i = 0; i < n; i++)
		pthread_join(t[i], NULL);
	return 0;
}
