/* SPDX-License-Identifier: MIT */
/*
 * threads.c - THREADS threads (default 32) each make EVENTS (default
 * 100000) malloc, calloc, realloc and free calls at once, on 16 slots of
 * their own, chosen by a per-thread xorshift sequence: an empty slot gets
 * a malloc or calloc of 1..256 bytes, a full one a realloc that grows it
 * by 1..64 bytes or a free.  Each thread leaves slots 0..3 live.
 *
 * Every total follows from the sequences, so the program computes what
 * worker()'s sites must sum to and prints it to stderr as
 * "expect tb=N tbk=N eb=N ebk=N".  A growing realloc is a new block of
 * the new size (DHAT's convention, which heapprof's DHAT export follows).
 * glibc's own blocks (each pthread_create callocs a DTV) are not
 * worker()'s and not counted here.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SLOTS	16
#define KEPT	4

struct thread {
	pthread_t tid;
	uint64_t seed;
	long events;
	/* What this thread's calls must add up to. */
	unsigned long long tb, tbk, eb, ebk;
};

static pthread_barrier_t start;
void *volatile threads_sink;

static uint64_t
next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void *
worker(void *arg)
{
	struct thread *t = arg;
	char *slot[SLOTS] = { NULL };
	size_t size[SLOTS] = { 0 }, n;
	uint64_t r;
	long i;
	int k;

	pthread_barrier_wait(&start);
	for (i = 0; i < t->events; i++) {
		r = next(&t->seed);
		k = (int)(r % SLOTS);
		if (slot[k] == NULL) {
			n = 1 + (r >> 16) % 256;
			slot[k] = (r >> 8) & 1 ? malloc(n) : calloc(1, n);
			if (slot[k] == NULL)
				abort();
			size[k] = n;
			t->tb += n;
			t->tbk++;
		} else if ((r >> 9) & 1) {
			n = size[k] + 1 + (r >> 16) % 64;
			slot[k] = realloc(slot[k], n);
			if (slot[k] == NULL)
				abort();
			size[k] = n;
			t->tb += n;
			t->tbk++;
		} else {
			free(slot[k]);
			slot[k] = NULL;
		}
		slot[k] != NULL ? (void)(slot[k][0] = 1) : (void)0;
	}
	for (k = 0; k < SLOTS; k++) {
		if (slot[k] == NULL)
			continue;
		if (k < KEPT) {
			threads_sink = slot[k];
			t->eb += size[k];
			t->ebk++;
		} else {
			free(slot[k]);
		}
	}
	return NULL;
}

int
main(int argc, char **argv)
{
	int nthreads = argc > 1 ? atoi(argv[1]) : 32, i;
	long events = argc > 2 ? atol(argv[2]) : 100000;
	unsigned long long tb = 0, tbk = 0, eb = 0, ebk = 0;
	struct thread t[256];
	char line[128];

	if (nthreads < 1 || nthreads > 256)
		return 2;
	pthread_barrier_init(&start, NULL, (unsigned)nthreads);
	for (i = 0; i < nthreads; i++) {
		memset(&t[i], 0, sizeof t[i]);
		t[i].seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
		t[i].events = events;
		if (pthread_create(&t[i].tid, NULL, worker, &t[i]) != 0)
			return 1;
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i].tid, NULL);
		tb += t[i].tb;
		tbk += t[i].tbk;
		eb += t[i].eb;
		ebk += t[i].ebk;
	}
	/* snprintf and write: stdio's buffer would be a block of its own. */
	snprintf(line, sizeof line, "expect tb=%llu tbk=%llu eb=%llu ebk=%llu\n",
	    tb, tbk, eb, ebk);
	return write(2, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 1;
}
