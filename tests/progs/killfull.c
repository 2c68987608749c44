/* SPDX-License-Identifier: MIT */
/*
 * killfull.c - dies of SIGKILL while its threads are in the middle of
 * recording, under a slow collector: some of them waiting for space in a
 * full ring, some with a record reserved and not yet published.  keep_main() allocates MAIN blocks, then THREADS
 * threads each allocate PER blocks in keep_thread(), none freed; after
 * that they churn in spin() until main(), which has seen every one of
 * them finish keep_thread(), raises SIGKILL.  Every keep_* block was
 * recorded before the kill: the profile must hold all of them.
 * usage: killfull [MAIN [THREADS [PER]]]
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>

#define MAX_THREADS	16

static long per = 2000;
static unsigned done;
static void *volatile sink;

static void __attribute__((noinline))
keep_main(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sink = malloc(40);
}

static void __attribute__((noinline))
keep_thread(long n)
{
	long i;

	for (i = 0; i < n; i++)
		sink = malloc(24 + (size_t)(i % 5) * 8);
}

static void __attribute__((noinline))
spin(void)
{
	for (;;) {
		sink = malloc(64);
		free(sink);
	}
}

static void *
worker(void *arg)
{
	keep_thread(per);
	__atomic_add_fetch(&done, 1, __ATOMIC_RELEASE);
	spin();
	return arg;
}

int
main(int argc, char **argv)
{
	pthread_t t;
	long n = argc > 1 ? atol(argv[1]) : 3000;
	int threads = argc > 2 ? atoi(argv[2]) : 4, i;

	if (argc > 3)
		per = atol(argv[3]);
	if (threads < 1 || threads > MAX_THREADS)
		return 2;
	keep_main(n);
	for (i = 0; i < threads; i++)
		if (pthread_create(&t, NULL, worker, NULL) != 0)
			return 1;
	while (__atomic_load_n(&done, __ATOMIC_ACQUIRE) != (unsigned)threads)
		sched_yield();
	raise(SIGKILL);
	return 3;
}
