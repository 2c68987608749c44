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
#include "wire.h"

#define HP_CAPTURE_SLOTS	(HP_MAX_FRAMES + 8)

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
unwind_capture(uint64_t *frames, int max, int *truncated)
{
	/* A few slots for the agent's own frames, one to detect overflow. */
	void *buf[HP_CAPTURE_SLOTS];
	int n, i, skip = 0, out = 0;

	n = unw_backtrace(buf, HP_CAPTURE_SLOTS);
	while (skip < n && (uintptr_t)buf[skip] >= self_lo &&
	    (uintptr_t)buf[skip] < self_hi)
		skip++;
	for (i = skip; i < n && out < max; i++)
		frames[out++] = (uint64_t)(uintptr_t)buf[i];
	*truncated = i < n || n == HP_CAPTURE_SLOTS;
	return out;
}
