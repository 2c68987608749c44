/* SPDX-License-Identifier: MIT */
/*
 * thread-state.c - the agent's per-thread state belongs to one thread.
 * A thread leaves a heapprof.h region open and exits; glibc gives the
 * next thread its cached stack, and with it the same thread descriptor:
 * that thread's counts must start from nothing.  Then a thread with a
 * region open forks: the child's thread goes on with the parent
 * thread's counts, as it would with thread-local storage.  Prints what
 * it saw; main's own counts are taken from the agent's region entry
 * point, which returns a thread's running totals.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heapprof.h"

static pthread_t first_self, second_self;
static uint64_t blocks, bytes;
void *volatile thread_state_sink;

/* A thread's running region totals, opening one more region. */
static int
totals(uint64_t *b, uint64_t *y)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();

	return a != NULL ? a->region(1, b, y) : HEAPPROF_NOT_PROFILING;
}

static void *
leaves_region_open(void *arg)
{
	struct heapprof_region r;

	(void)arg;
	first_self = pthread_self();
	heapprof_region_begin(&r);
	thread_state_sink = malloc(100);
	free(thread_state_sink);
	return NULL;
}

static void *
starts_afresh(void *arg)
{
	(void)arg;
	second_self = pthread_self();
	if (totals(&blocks, &bytes) != HEAPPROF_OK)
		blocks = bytes = UINT64_MAX;
	return NULL;
}

static void *
forks(void *arg)
{
	uint64_t b, y;
	pid_t pid;
	int status;

	(void)arg;
	totals(&b, &y);
	thread_state_sink = malloc(10);
	free(thread_state_sink);
	thread_state_sink = malloc(20);
	free(thread_state_sink);
	pid = fork();
	if (pid == 0) {
		if (totals(&b, &y) != HEAPPROF_OK)
			_exit(3);
		printf("child %llu %llu\n", (unsigned long long)b,
		    (unsigned long long)y);
		fflush(stdout);
		_exit(0);
	}
	if (pid == -1 || waitpid(pid, &status, 0) != pid ||
	    !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		exit(1);
	return NULL;
}

int
main(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, leaves_region_open, NULL) != 0 ||
	    pthread_join(t, NULL) != 0 ||
	    pthread_create(&t, NULL, starts_afresh, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 1;
	printf("descriptor %s\n", pthread_equal(first_self, second_self) ?
	    "reused" : "new");
	printf("new thread %llu %llu\n", (unsigned long long)blocks,
	    (unsigned long long)bytes);
	fflush(stdout);
	if (pthread_create(&t, NULL, forks, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 1;
	return 0;
}
