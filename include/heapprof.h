/* SPDX-License-Identifier: MIT */
/*
 * heapprof.h - ask heapprof about the heap from inside the program it
 * profiles: whole-process statistics, the allocations of one thread
 * between two points, and assertions that fail the profiling run.
 * heapprof.h(3) documents it.
 *
 * Header only: a program that uses it needs no library of heapprof's and
 * runs where heapprof is not installed.  The first call looks up the
 * agent's table of entry points once (dlsym); without heapprof every call
 * returns HEAPPROF_NOT_PROFILING at the cost of a load and a branch.
 */
#ifndef HEAPPROF_H
#define HEAPPROF_H

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Return values. */
#define HEAPPROF_OK		0
/* Not running under heapprof (or in a process it does not follow). */
#define HEAPPROF_NOT_PROFILING	(-1)
/*
 * Called from a signal handler that interrupted heapprof's recording of
 * an allocation on the same thread: no answer can be given there.
 */
#define HEAPPROF_BUSY		(-2)

/* automake's exit status for a skipped test (HEAPPROF_REQUIRE). */
#define HEAPPROF_SKIP_STATUS	77

/* The process's heap, as valgrind's DHAT and the dhat crate count it. */
struct heapprof_stats {
	uint64_t total_blocks;	/* blocks allocated since the start */
	uint64_t total_bytes;
	uint64_t curr_blocks;	/* live now */
	uint64_t curr_bytes;
	uint64_t max_blocks;	/* live when curr_bytes was highest */
	uint64_t max_bytes;	/* the highest curr_bytes */
};

/* What the calling thread allocated between region_begin and region_end. */
struct heapprof_region {
	uint64_t blocks;	/* set by heapprof_region_end */
	uint64_t bytes;
	uint64_t start_blocks;	/* private */
	uint64_t start_bytes;	/* private */
};

/* The agent's entry points (ABI: fields are only ever appended). */
struct heapprof_agent_v1 {
	uint32_t version;	/* 1 */
	uint32_t size;		/* sizeof the agent's struct */
	int (*running)(void);
	int (*stats)(struct heapprof_stats *);
	int (*region)(int open, uint64_t *blocks, uint64_t *bytes);
	void (*assert_failed)(const char *message);
	int (*ad_hoc)(uint64_t weight);
};

/* The agent has the entry point named by field f (an older one may not). */
#define HEAPPROF_HAS_(a, f)						\
	((a)->size >= __builtin_offsetof(struct heapprof_agent_v1, f) +	\
	    sizeof((a)->f))

static inline const struct heapprof_agent_v1 *
heapprof_agent_(void)
{
	/* Per translation unit; a race only repeats the lookup. */
	static const struct heapprof_agent_v1 *agent;
	static int looked;
	void *p;

	if (__builtin_expect(__atomic_load_n(&looked, __ATOMIC_ACQUIRE), 1))
		return agent;
	/* RTLD_DEFAULT without needing _GNU_SOURCE: glibc and musl use 0. */
	p = dlsym((void *)0, "heapprof_agent_v1");
	__atomic_store_n(&agent, (const struct heapprof_agent_v1 *)p,
	    __ATOMIC_RELAXED);
	__atomic_store_n(&looked, 1, __ATOMIC_RELEASE);
	return agent;
}

/* 1 if this process is being profiled by heapprof, else 0. */
static inline int
heapprof_running(void)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();

	return a != NULL && a->running();
}

/*
 * Fill *s with the whole process's statistics at this moment: every
 * allocation and free made before the call (by any thread) is counted,
 * none made after it.  HEAPPROF_OK, or HEAPPROF_NOT_PROFILING (*s is
 * then all UINT64_MAX, which no real count can be), or HEAPPROF_BUSY.
 */
#if defined(__cplusplus) && defined(__GNUC__)
/* Named like its struct, as stat(2) is: C++'s -Wshadow need not say so. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wshadow"
#endif
static inline int
heapprof_stats(struct heapprof_stats *s)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();
	int rc = a != NULL ? a->stats(s) : HEAPPROF_NOT_PROFILING;

	if (rc != HEAPPROF_OK) {
		s->total_blocks = s->total_bytes = UINT64_MAX;
		s->curr_blocks = s->curr_bytes = UINT64_MAX;
		s->max_blocks = s->max_bytes = UINT64_MAX;
	}
	return rc;
}
#if defined(__cplusplus) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/*
 * Count what the calling thread allocates (blocks, and their bytes; a
 * realloc to a new size counts as a new block) from region_begin until
 * region_end, which sets r->blocks and r->bytes.  Other threads are not
 * counted.  Regions nest.  HEAPPROF_OK, or HEAPPROF_NOT_PROFILING (the
 * counts are then UINT64_MAX).
 */
static inline int
heapprof_region_begin(struct heapprof_region *r)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();
	int rc = a != NULL ? a->region(1, &r->start_blocks, &r->start_bytes) :
	    HEAPPROF_NOT_PROFILING;

	r->blocks = r->bytes = UINT64_MAX;
	if (rc != HEAPPROF_OK)
		r->start_blocks = r->start_bytes = UINT64_MAX;
	return rc;
}

static inline int
heapprof_region_end(struct heapprof_region *r)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();
	uint64_t blocks, bytes;
	int rc;

	if (r->start_blocks == UINT64_MAX || a == NULL) {
		r->blocks = r->bytes = UINT64_MAX;
		return HEAPPROF_NOT_PROFILING;
	}
	rc = a->region(0, &blocks, &bytes);
	if (rc != HEAPPROF_OK) {
		r->blocks = r->bytes = UINT64_MAX;
		return rc;
	}
	r->blocks = blocks - r->start_blocks;
	r->bytes = bytes - r->start_bytes;
	return HEAPPROF_OK;
}

/*
 * Record an ad-hoc event, valgrind DHAT's DHAT_AD_HOC_EVENT: the calling
 * function's stack and a weight of the program's choosing (bytes sent, a
 * cost, 1 for a count).  `heapprof report` shows per call site how many
 * events and how much weight.  Always inlined, so the event's innermost
 * frame is the caller's, at any optimisation level.  HEAPPROF_OK, or
 * HEAPPROF_NOT_PROFILING.
 */
static inline __attribute__((always_inline)) int
heapprof_ad_hoc(uint64_t weight)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();

	if (a == NULL || !HEAPPROF_HAS_(a, ad_hoc))
		return HEAPPROF_NOT_PROFILING;
	return a->ad_hoc(weight);
}

/*
 * HEAPPROF_ASSERT's failure: print "FILE:LINE: heapprof assertion failed:
 * COND: MESSAGE" on stderr and, under heapprof, mark the profile failed
 * with it, so that heapprof keeps the profile and exits with its error
 * status.  The program goes on.
 */
static inline void
heapprof_assert_fail(const char *file, int line, const char *cond,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static inline void
heapprof_assert_fail(const char *file, int line, const char *cond,
    const char *fmt, ...)
{
	const struct heapprof_agent_v1 *a = heapprof_agent_();
	char msg[1024];
	va_list ap;
	int n;

	n = snprintf(msg, sizeof msg, "%s:%d: heapprof assertion failed: %s",
	    file, line, cond);
	if (n >= 0 && (size_t)n < sizeof msg - 2 && fmt != NULL &&
	    fmt[0] != '\0') {
		msg[n++] = ':';
		msg[n++] = ' ';
		va_start(ap, fmt);
		vsnprintf(msg + n, sizeof msg - (size_t)n, fmt, ap);
		va_end(ap);
	}
	fprintf(stderr, "%s\n", msg);
	if (a != NULL && a->running())
		a->assert_failed(msg);
}

/*
 * Check cond; if it is false, report it as heapprof_assert_fail says.
 * Evaluates to 1 if cond held, else 0.  fmt is a printf format.
 */
#define HEAPPROF_ASSERT(cond, ...)					\
	((cond) ? 1 : (heapprof_assert_fail(__FILE__, __LINE__, #cond,	\
	    __VA_ARGS__), 0))

/*
 * Exit with HEAPPROF_SKIP_STATUS (77, "skipped" to automake, meson and
 * CTest's SKIP_RETURN_CODE) unless running under heapprof.  Call it from
 * main, before any test forks.
 */
#define HEAPPROF_REQUIRE()						\
	do {								\
		if (!heapprof_running()) {				\
			fprintf(stderr, "%s: not running under "	\
			    "heapprof: skipped\n", __FILE__);		\
			exit(HEAPPROF_SKIP_STATUS);			\
		}							\
	} while (0)

#ifdef __cplusplus
}
#endif

#endif
