/* SPDX-License-Identifier: MIT */
/*
 * api.c - the entry points heapprof.h finds with dlsym: the one symbol
 * the agent exports besides those it interposes.
 *
 * heapprof_stats does not count anything itself: the collector, which
 * counts every event anyway, answers once it has read the ring up to the
 * query, so the statistics are exact at the call and the malloc hooks
 * carry no counters.  Regions are the exception: the ring does not say
 * which thread allocated, so the hooks count per thread, but only while
 * a region is open on it.
 */
#include "config.h"

#include <stdint.h>


#include "agent.h"
#include "heapprof.h"

_Static_assert(HEAPPROF_OK == 0 && HEAPPROF_NOT_PROFILING == -1 &&
    HEAPPROF_BUSY == -2, "agent_query's results are heapprof.h's");
_Static_assert(sizeof(struct heapprof_stats) ==
    HP_STATS_N * sizeof(uint64_t), "an answer is a struct heapprof_stats");

static int
api_running(void)
{
	return agent_attached();
}

static int
api_stats(struct heapprof_stats *s)
{
	uint64_t v[HP_STATS_N];
	int rc;

	rc = agent_query(v);
	if (rc != 0)
		return rc;
	s->total_blocks = v[HP_STAT_TOTAL_BLOCKS];
	s->total_bytes = v[HP_STAT_TOTAL_BYTES];
	s->curr_blocks = v[HP_STAT_CURR_BLOCKS];
	s->curr_bytes = v[HP_STAT_CURR_BYTES];
	s->max_blocks = v[HP_STAT_MAX_BLOCKS];
	s->max_bytes = v[HP_STAT_MAX_BYTES];
	return HEAPPROF_OK;
}

static int
api_region(int open, uint64_t *blocks, uint64_t *bytes)
{
	struct agent_thread *t;

	if (!agent_attached())
		return HEAPPROF_NOT_PROFILING;
	t = agent_thread();
	if (open)
		t->region.depth++;
	else if (t->region.depth > 0)
		t->region.depth--;
	*blocks = t->region.blocks;
	*bytes = t->region.bytes;
	agent_thread_leave(t, t->hook_state);
	return HEAPPROF_OK;
}

static void
api_assert_failed(const char *message)
{
	agent_assert_failed(message);
}

/*
 * The stack is captured here, in the entry point's own frame, as a malloc
 * hook captures it: the agent's frames are trimmed and heapprof.h's
 * always-inline caller leaves the program's frame innermost.
 */
static int
api_ad_hoc(uint64_t weight)
{
	void *frames[HP_CAPTURE_SLOTS];
	struct agent_thread *t;
	int outer, rc;

	if (!agent_attached())
		return HEAPPROF_NOT_PROFILING;
	t = agent_thread();
	outer = t->hook_state;
	/* As a malloc hook: a signal handler's allocation now is nested. */
	t->hook_state = HOOK_RECORD;
	if (outer != HOOK_IDLE)
		rc = agent_ad_hoc(weight, NULL, 0, outer);
	else
		rc = agent_ad_hoc(weight, frames, UNWIND_HERE(t, frames),
		    outer);
	agent_thread_leave(t, outer);
	return rc == 0 ? HEAPPROF_OK : HEAPPROF_NOT_PROFILING;
}

EXPORT const struct heapprof_agent_v1 heapprof_agent_v1 = {
	.version = 1,
	.size = sizeof(struct heapprof_agent_v1),
	.running = api_running,
	.stats = api_stats,
	.region = api_region,
	.assert_failed = api_assert_failed,
	.ad_hoc = api_ad_hoc,
};
