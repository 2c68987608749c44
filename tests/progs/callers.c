/* SPDX-License-Identifier: MIT */
/*
 * callers.c - blocks that libc allocates on the program's behalf, and one
 * function that allocates at two lines for two callers:
 *
 *   say()        printf's buffer for stdout, when stdout is a file
 *   dup()        strdup("heapprof"): 9 bytes, freed
 *   open_null()  fopen("/dev/null"): libc's FILE, closed
 *   pair()       called from one() and two(): malloc(100), freed, and
 *                malloc(200), not freed: 4 sites, 600 bytes in 4 blocks in
 *                all, 400 bytes in 2 blocks at exit
 *   worker()     a thread's malloc(50), freed
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void *volatile callers_sink;

__attribute__((noinline)) static void
say(void)
{
	printf("callers: %d\n", 1);			/* site: printf */
	callers_sink = NULL;
}

__attribute__((noinline)) static void
dup(void)
{
	char *s = strdup("heapprof");			/* site: strdup */

	callers_sink = s;
	free(s);
}

__attribute__((noinline)) static void
open_null(void)
{
	FILE *f = fopen("/dev/null", "r");		/* site: fopen */

	if (f != NULL)
		fclose(f);
}

/* Calls are kept out of tail position, so each caller keeps its frame. */
__attribute__((noinline)) static void
pair(void)
{
	void *p = malloc(100);				/* site: pair 100 */

	callers_sink = p;
	free(p);
	callers_sink = malloc(200);			/* site: pair 200 */
}

__attribute__((noinline)) static void
one(void)
{
	pair();						/* site: one */
	callers_sink = NULL;
}

__attribute__((noinline)) static void
two(void)
{
	pair();						/* site: two */
	callers_sink = (void *)&callers_sink;	/* not one()'s code */
}

static void *
worker(void *arg)
{
	void *p = malloc(50);				/* site: worker */

	(void)arg;
	callers_sink = p;
	free(p);
	return NULL;
}

int
main(void)
{
	pthread_t t;

	say();
	dup();
	open_null();
	one();
	two();
	if (pthread_create(&t, NULL, worker, NULL) != 0 ||	/* site: thread */
	    pthread_join(t, NULL) != 0)
		return 1;
	return 0;
}
