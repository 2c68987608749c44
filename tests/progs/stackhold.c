/* SPDX-License-Identifier: MIT */
/*
 * stackhold.c - two threads race to set up the agent's table of stacks,
 * held by the agent's test hooks: thread a has mapped its memory and waits
 * (HEAPPROF_TEST_STACKS_HOLD=20,21) while thread b sets the table up and
 * is held after its compare-and-swap (HEAPPROF_TEST_STACKS_WON=22,23);
 * then a, released, loses the race, and must not wait for b, which is
 * released only once a is done.  Each thread allocates and frees 64
 * bytes in worker().  Prints "done"; if a waits, an alarm ends it all.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void *volatile sink;

static __attribute__((noinline)) void *
worker(void *arg)
{
	(void)arg;
	sink = malloc(64);
	free(sink);
	return NULL;
}

int
main(void)
{
	int hold[2], held[2], won[2], winner[2];
	pthread_t a, b;
	char c;

	if (pipe(hold) == -1 || pipe(held) == -1 || pipe(won) == -1 ||
	    pipe(winner) == -1 || dup2(hold[0], 20) == -1 ||
	    dup2(held[1], 21) == -1 || dup2(won[0], 22) == -1 ||
	    dup2(winner[1], 23) == -1) {
		perror("stackhold: pipe");
		return 2;
	}
	alarm(5);
	if (pthread_create(&a, NULL, worker, NULL) != 0 ||
	    read(held[0], &c, 1) != 1 ||
	    pthread_create(&b, NULL, worker, NULL) != 0 ||
	    read(winner[0], &c, 1) != 1 ||
	    write(hold[1], "g", 1) != 1)
		return 2;
	pthread_join(a, NULL);
	if (write(won[1], "g", 1) != 1)
		return 2;
	pthread_join(b, NULL);
	printf("done\n");
	return 0;
}
