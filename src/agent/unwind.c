/* SPDX-License-Identifier: MIT */
/*
 * unwind.c - stack capture for the agent.
 *
 * libunwind's unw_backtrace with a per-thread cache of unwind info is the
 * fastest exact unwinder available here (glibc's backtrace() re-parses the
 * CFI on every call and is about ten times slower inside a malloc hook).
 * Frames inside the agent itself are dropped, found by address range rather
 * than by count, so inlining in the agent cannot shift the result.
 *
 * libunwind's per-thread cache is not safe to re-enter from a signal
 * handler that interrupted an unwind on the same thread, so allocations in
 * such a handler are unwound by libgcc's _Unwind_Backtrace, which keeps no
 * per-thread state and steps through the signal frame.
 */
#include "config.h"

#define UNW_LOCAL_ONLY
#include <libunwind.h>
#include <unwind.h>

#include "agent.h"

/* The agent's own text, set once at attach. */
static uintptr_t self_lo, self_hi;

void
unwind_init(uintptr_t agent_lo, uintptr_t agent_hi)
{
	self_lo = agent_lo;
	self_hi = agent_hi;
	/* First: setting the policy initialises libunwind, which opens its pipe. */
	unwind_io_init();
	unw_set_caching_policy(unw_local_addr_space, UNW_CACHE_PER_THREAD);
}

void
unwind_forget(uint64_t lo, uint64_t hi)
{
	unw_flush_cache(unw_local_addr_space, (unw_word_t)lo, (unw_word_t)hi);
}

int
unwind_trim(void **buf, int n, int *first, int *truncated)
{
	int skip = 0;

	while (skip < n && (uintptr_t)buf[skip] >= self_lo &&
	    (uintptr_t)buf[skip] < self_hi)
		skip++;
	*first = skip;
	*truncated = n - skip > HP_MAX_FRAMES || n == HP_CAPTURE_SLOTS;
	return n - skip > HP_MAX_FRAMES ? HP_MAX_FRAMES : n - skip;
}

struct gcc_walk {
	void **buf;
	int n;
};

static _Unwind_Reason_Code
gcc_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct gcc_walk *w = arg;
	uintptr_t ip = _Unwind_GetIP(ctx);

	if (ip == 0)
		return _URC_END_OF_STACK;
	w->buf[w->n++] = (void *)ip;
	return w->n == HP_CAPTURE_SLOTS ? _URC_END_OF_STACK : _URC_NO_REASON;
}

int
unwind_capture_nested(void **buf, int *first, int *truncated)
{
	struct gcc_walk w = { buf, 0 };

	_Unwind_Backtrace(gcc_frame, &w);
	return unwind_trim(buf, w.n, first, truncated);
}

static int
in_agent(uintptr_t ip)
{
	return ip >= self_lo && ip < self_hi;
}

struct sig_walk {
	int left_agent;		/* past the agent frames at the top */
	int found;
};

static _Unwind_Reason_Code
sig_frame(struct _Unwind_Context *ctx, void *arg)
{
	struct sig_walk *w = arg;
	int interrupted = 0;
	uintptr_t ip = _Unwind_GetIPInfo(ctx, &interrupted);

	if (ip == 0)
		return _URC_END_OF_STACK;
	if (!w->left_agent) {
		w->left_agent = !in_agent(ip);
		if (!w->left_agent)
			return _URC_NO_REASON;
	}
	/* Interrupted first: the frame may be the agent hook itself. */
	if (interrupted) {
		w->found = 1;
		return _URC_END_OF_STACK;
	}
	return in_agent(ip) ? _URC_END_OF_STACK : _URC_NO_REASON;
}

int
unwind_in_handler(void)
{
	struct sig_walk w = { 0, 0 };

	_Unwind_Backtrace(sig_frame, &w);
	return w.found;
}
