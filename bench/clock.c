/* SPDX-License-Identifier: MIT */
/*
 * clock.c - what each way of reading a clock, and each way of taking a
 * place in the ring, costs on this machine: the agent does one of each per
 * event.  Run by hand (cc -O2 -pthread bench/clock.c && ./a.out); prints
 * ns per operation, the minimum of 9 timings of 10M operations, so that
 * another job's burst does not count.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#define N	10000000L
#define TRIES	9

static volatile uint64_t sink;
static uint64_t shared_word __attribute__((aligned(64)));

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static uint64_t
read_gettime(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

enum op { NOTHING, RDTSC, RDTSCP, LFENCE_RDTSC, MONOTONIC, MONO_COARSE,
    MONO_RAW, CAS, XADD, STORE, NOPS };

static const char *const names[NOPS] = {
	"empty loop", "rdtsc", "rdtscp", "lfence; rdtsc",
	"clock_gettime(CLOCK_MONOTONIC)", "clock_gettime(CLOCK_MONOTONIC_COARSE)",
	"clock_gettime(CLOCK_MONOTONIC_RAW)",
	"compare-and-swap loop (the ring's reservation until v8)",
	"fetch-and-add", "release store",
};

static uint64_t
one(enum op op)
{
	uint64_t v = 0;
	unsigned aux;

	switch (op) {
	case NOTHING:
		break;
#if defined(__x86_64__)
	case RDTSC:
		v = __rdtsc();
		break;
	case RDTSCP:
		v = __rdtscp(&aux);
		break;
	case LFENCE_RDTSC:
		_mm_lfence();
		v = __rdtsc();
		break;
#else
	case RDTSC: case RDTSCP: case LFENCE_RDTSC:
		(void)aux;
		break;
#endif
	case MONOTONIC:
		v = read_gettime(CLOCK_MONOTONIC);
		break;
	case MONO_COARSE:
		v = read_gettime(CLOCK_MONOTONIC_COARSE);
		break;
	case MONO_RAW:
		v = read_gettime(CLOCK_MONOTONIC_RAW);
		break;
	case CAS:
		v = __atomic_load_n(&shared_word, __ATOMIC_RELAXED);
		while (!__atomic_compare_exchange_n(&shared_word, &v, v + 48,
		    1, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			;
		break;
	case XADD:
		v = __atomic_fetch_add(&shared_word, 48, __ATOMIC_ACQ_REL);
		break;
	case STORE:
		__atomic_store_n(&shared_word, v, __ATOMIC_RELEASE);
		break;
	case NOPS:
		break;
	}
	return v;
}

static double
measure(enum op op)
{
	double best = 1e30, t;
	long i;
	int k;

	for (k = 0; k < TRIES; k++) {
		t = now();
		for (i = 0; i < N; i++)
			sink = one(op);
		t = (now() - t) / N;
		if (t < best)
			best = t;
	}
	return best;
}

struct other {
	enum op op;
	double ns;
};

static void *
contend(void *arg)
{
	struct other *o = arg;

	o->ns = measure(o->op);
	return NULL;
}

int
main(void)
{
	struct timespec res;
	pthread_t t;
	struct other other;
	double empty = measure(NOTHING), ns;
	int op;

	for (op = RDTSC; op < NOPS; op++) {
		ns = measure((enum op)op) - empty;
		printf("%-56s %6.1f ns\n", names[op], ns);
	}
	if (clock_getres(CLOCK_MONOTONIC_COARSE, &res) == 0)
		printf("CLOCK_MONOTONIC_COARSE resolution: %.3f ms\n",
		    (double)res.tv_nsec / 1e6);
	/* Two threads on one word: what contention adds. */
	for (op = CAS; op <= XADD; op++) {
		other.op = (enum op)op;
		pthread_create(&t, NULL, contend, &other);
		ns = measure((enum op)op) - empty;
		pthread_join(t, NULL);
		printf("%-56s %6.1f ns (2 threads)\n", names[op], ns);
	}
	return 0;
}
