/* SPDX-License-Identifier: MIT */
/*
 * unwind.h - the unwinder's per-thread state, which thread.h keeps in
 * each thread's slot: the thread's last stack (see unwind.c).
 */
#ifndef HEAPPROF_AGENT_UNWIND_H
#define HEAPPROF_AGENT_UNWIND_H

#include <stdint.h>

#include "wire.h"

/* Room for HP_MAX_FRAMES, the agent's own frames, and one to see overflow. */
#define HP_CAPTURE_SLOTS	(HP_MAX_FRAMES + 8)

/* Where a step of the walk starts, and its PC's rule. */
struct unwind_state {
	uint64_t pc, sp, bp, rule;
};

/* The last walk's states, at the end of s; all zero is empty. */
#define UNWIND_STATES	(HP_CAPTURE_SLOTS + 64)
struct unwind_thread {
	uint64_t epoch;		/* unwind_epoch + 1 when filled */
	uint32_t n;		/* states at the end of s */
	uint32_t busy;		/* a walk is using s */
	struct unwind_state s[UNWIND_STATES];
};

#endif
