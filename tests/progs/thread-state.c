/* SPDX-License-Identifier: MIT */
/*
 * thread-state.c - the agent's per-thread state belongs to one thread.
 * A thread leaves a heapprof.h region open and exits; glibc gives the
 * next thread its cached stack, and with it the same thread descriptor:
 * that thread's counts must start from nothing.  Then a thread with a
 * region open forks: the child's thread goes on with the parent
 * thread's counts, as it would with thread-local storage.  Prints what
 * it saw; the counts are taken from the agent's region entry point, which
 * returns a thread's running totals.
 *
 * "thread-state stacks N": N threads one after the other, each on a stack
 * of its own (so each has a descriptor no thread had before), each
 * leaving a region open; prints how many found counts not their own.
 * Run with a small table (HEAPPROF_THREAD_SLOTS), the later threads must
 * take the slots of dead ones, not share one.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
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

static long last_tid;
static int stale;

static void *
own_stack(void *arg)
{
	struct heapprof_region r;
	uint64_t b, y;

	(void)arg;
	last_tid = syscall(SYS_gettid);
	if (totals(&b, &y) != HEAPPROF_OK || b != 0 || y != 0)
		stale++;
	heapprof_region_begin(&r);
	thread_state_sink = malloc(100);
	free(thread_state_sink);
	return NULL;
}

static int
stacks(int n)
{
	size_t size = 256 * 1024;
	pthread_attr_t attr;
	pthread_t t;
	void *stack;
	int i;

	for (i = 0; i < n; i++) {
		stack = mmap(NULL, size, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (stack == MAP_FAILED || pthread_attr_init(&attr) != 0 ||
		    pthread_attr_setstack(&attr, stack, size) != 0 ||
		    pthread_create(&t, &attr, own_stack, NULL) != 0 ||
		    pthread_join(t, NULL) != 0)
			return 1;
		/* Joined is not yet gone: the kernel clears the tid first. */
		while (syscall(SYS_tgkill, getpid(), last_tid, 0) == 0)
			sched_yield();
		pthread_attr_destroy(&attr);
	}
	printf("stale %d of %d\n", stale, n);
	return 0;
}

int
main(int argc, char **argv)
{
	pthread_t t;

	if (argc > 2)
		return stacks(atoi(argv[2]));

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
