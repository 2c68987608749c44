/*
 * unwind.c - stack capture for the agent.
 *
 * libunwind's unw_backtrace with a per-thread cache of unwind info is the
 * fastest exact unwinder available here (glibc's backtrace() re-parses the
 * CFI on every call and is about ten times slower inside a malloc hook).
 * Frames inside the agent itself are dropped, found by address range rather
 * than by count, so inlining in the agent cannot shift the result.
 */
#include "config.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>

#include "agent.h"

/* The agent's own text, set once at attach. */
static uintptr_t self_lo, self_hi;

void
unwind_init(uintptr_t agent_lo, uintptr_t agent_hi)
{
	self_lo = agent_lo;
	self_hi = agent_hi;
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

int
unwind_capture(void **buf, int *first, int *truncated)
{
	int n, skip = 0;

	n = unw_backtrace(buf, HP_CAPTURE_SLOTS);
	while (skip < n && (uintptr_t)buf[skip] >= self_lo &&
	    (uintptr_t)buf[skip] < self_hi)
		skip++;
	*first = skip;
	*truncated = n - skip > HP_MAX_FRAMES || n == HP_CAPTURE_SLOTS;
	return n - skip > HP_MAX_FRAMES ? HP_MAX_FRAMES : n - skip;
}
