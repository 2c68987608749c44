/* SPDX-License-Identifier: MIT */
/*
 * agent.h - internals of the preload agent shared by its files.  Nothing
 * here is exported from the shared object (see exports.map).
 */
#ifndef HEAPPROF_AGENT_H
#define HEAPPROF_AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"
#include "wire.h"

#define HIDDEN	__attribute__((visibility("hidden")))
#define EXPORT	__attribute__((visibility("default")))

#include "thread.h"

/*
 * Where this thread is (agent_thread()->hook_state), as far as the hooks
 * care.  A malloc-family call that arrives while the thread is
 *   HOOK_REAL     inside the real allocator: the allocator's own business,
 *                 passed through uncounted, unless a signal handler that
 *                 interrupted the real call makes it (see from_handler in
 *                 hooks.c);
 *   HOOK_CXX      the same inside the C++ runtime's aligned operator new,
 *                 which calls the allocator once (see aligned_new);
 *   HOOK_PRIVATE  in agent code that may allocate for itself (attaching,
 *                 dlsym): passed through uncounted;
 *   HOOK_RECORD   recording an event, code that never allocates: so the
 *                 call comes from a signal handler, and is the program's.
 */
enum hook_state { HOOK_IDLE, HOOK_REAL, HOOK_PRIVATE, HOOK_RECORD, HOOK_CXX };

extern HIDDEN struct ring agent_ring;

/* 1 once attached to a live session. */
HIDDEN int agent_active(void);
/* The ring's clock (wire.h), since its origin; no system call. */
HIDDEN uint64_t agent_now(void);

/* A ring's clock, which a forked child's ring keeps. */
struct agent_clock {
	uint32_t clock;			/* enum hp_clock */
	uint64_t origin, mono_origin;
};

/* 1 once attached to a live session, attaching first if need be. */
HIDDEN int agent_attached(void);
/* The same, and the session records the heap (not --mode=ad-hoc). */
HIDDEN int agent_heap(void);
/* The ring is gone (the collector stopped reading): record nothing more. */
HIDDEN void agent_ring_gone(void);
/* --children: the HP_REC_FORK record of a fork() about to happen. */
HIDDEN void agent_mark_fork(struct agent_thread *t, uint64_t token);

/*
 * Report a block the real allocator returned (p is never NULL), with the
 * n return addresses the hook captured (see UNWIND_HERE); and a block about
 * to be freed, before the real free runs.  t is the calling thread's
 * agent_thread(), which the hook has already looked up.  agent_nested_alloc is for a
 * call from a signal handler that interrupted the agent on this thread.
 */
HIDDEN void agent_alloc(struct agent_thread *t, void *p, size_t size,
    void **frames, int n);
HIDDEN void agent_nested_alloc(void *p, size_t size);
HIDDEN void agent_free(struct agent_thread *t, void *p);

/*
 * A free from a signal handler that interrupted the agent: returns 1 if the
 * agent took the block and will hand it to real_free itself once the free
 * is recorded (so no other thread can get the address first).
 */
HIDDEN int agent_nested_free(void *p, void (*real_free)(void *));

/*
 * realloc is recorded around the real call: agent_realloc_begin reserves
 * the record (so it is ordered before any reuse of the old address by
 * another thread) and returns a token for agent_realloc_end.  From a
 * signal handler, agent_nested_realloc records it after the fact.
 */
HIDDEN void *agent_realloc_begin(struct agent_thread *t, uint32_t *len,
    void **frames, int n);
HIDDEN void agent_realloc_end(struct agent_thread *t, void *token,
    uint32_t len, void *old, void *new, size_t size);
HIDDEN void agent_nested_realloc(void *old, void *new, size_t size);

/*
 * heapprof_stats(3): ask the collector for the process's statistics as of
 * now (enum hp_stat order).  0, -1 if not profiling, -2 if this thread
 * holds a record (a signal handler interrupted the agent).
 */
HIDDEN int agent_query(uint64_t values[HP_STATS_N]);
/*
 * heapprof_ad_hoc(3): an event of the given weight at the stack the entry
 * point captured (UNWIND_HERE) in HOOK_RECORD, having found the thread in
 * state `outer`; from a signal handler that interrupted the agent (outer
 * is not HOOK_IDLE) the stack is captured here.  0, or -1 if not
 * profiling.
 */
HIDDEN int agent_ad_hoc(uint64_t weight, void **frames, int n, int outer);
/* HEAPPROF_ASSERT failed: send its text.  0, or -1 if not profiling. */
HIDDEN int agent_assert_failed(const char *text);

/*
 * heapprof_region_begin(3): while a region is open on thread t, what it
 * allocates is counted in t->region.  Off the hot path while none is: one
 * load and a branch taken the same way every time.
 */
#define REGION_COUNT(t, size)						\
	do {								\
		if (__builtin_expect((t)->region.depth != 0, 0)) {	\
			(t)->region.blocks++;				\
			(t)->region.bytes += (size);			\
		}							\
	} while (0)

/*
 * Fill buf[HP_CAPTURE_SLOTS] with return addresses, innermost first, and
 * return how many (unwind.c); t is this thread's state.  A hook unwinds from its own frame, never
 * from a deeper agent function: the agent's frames are thrown away.
 */
#define UNWIND_HERE(t, buf)	unwind_capture((t), (buf))
HIDDEN int unwind_capture(struct agent_thread *t, void **buf);

/*
 * An unwind rule for one PC (cfi.c), one word: RULE_VALID always;
 * RULE_END if the stack ends in this frame (no return address);
 * RULE_NOINFO if the PC has no unwind information (the frame is guessed
 * from the frame pointer); RULE_FALLBACK if the frame needs the general
 * unwinder.  Otherwise the CFA is rsp (rbp with
 * RULE_CFA_RBP) plus the signed 32 bits at RULE_CFA_SHIFT, the return
 * address is at the CFA plus the signed byte at RULE_RA_SHIFT, and with
 * RULE_RBP_SAVED the caller's rbp is at the CFA plus the signed 16 bits
 * at RULE_RBP_SHIFT (else rbp is unchanged).
 */
#define RULE_VALID	0x01u
#define RULE_END	0x02u
#define RULE_FALLBACK	0x04u
#define RULE_CFA_RBP	0x08u
#define RULE_RBP_SAVED	0x10u
#define RULE_NOINFO	0x20u
#define RULE_RA_SHIFT	8
#define RULE_RBP_SHIFT	16
#define RULE_CFA_SHIFT	32
HIDDEN uint64_t cfi_rule(uintptr_t pc);

/*
 * Checking mode (unwind-check.c, HEAPPROF_CHECK_UNWIND=1): every capture
 * of n frames in buf, by thread t, is compared with libunwind's, which is
 * loaded only then; a mismatch is sent to the collector as an anomaly.
 */
extern HIDDEN int unwind_checking;
HIDDEN void unwind_check_init(void);
HIDDEN void unwind_check(struct agent_thread *t, void **buf, int n);
HIDDEN void unwind_check_forget(uint64_t lo, uint64_t hi);

/*
 * Of the n frames in buf, return how many (at most HP_MAX_FRAMES) follow
 * buf[*first], the first frame outside the agent; set *truncated when the
 * stack was deeper.
 */
HIDDEN int unwind_trim(void **buf, int n, int *first, int *truncated);

/*
 * The same as UNWIND_HERE + unwind_trim, for a signal handler that may
 * have interrupted UNWIND_HERE on this thread.
 */
HIDDEN int unwind_capture_nested(void **buf, int *first, int *truncated);
/*
 * Walking out from the agent frames at the top of the stack: 1 if a frame
 * interrupted by a signal comes before the next agent frame (a signal
 * handler's call), 0 if an agent frame comes first or neither does.
 */
HIDDEN int unwind_in_handler(void);
HIDDEN void unwind_init(uintptr_t agent_lo, uintptr_t agent_hi);
/*
 * Give libunwind's own pipe, read, write, close, fcntl and syscall calls
 * versions that need no file descriptor (unwind-io.c); before libunwind
 * initialises.  inside is any address in libunwind.  -1 if its imports
 * cannot be found.
 */
HIDDEN int unwind_io_init(const void *inside);
/* An object at [lo, hi) was unloaded: forget its unwind information. */
HIDDEN void unwind_forget(uint64_t lo, uint64_t hi);

/*
 * The stacks already sent (stacks.c).  stacks_lookup returns the id of the
 * n frames (with HP_RECF_TRUNCATED in flags or not), or 0 if none can be
 * given (send the frames inline).  If the id is new, fresh->word is not 0:
 * the caller must reserve the HP_REC_STACK record that defines it, and
 * only then stacks_insert(fresh), so that no event carrying the id can be
 * reserved before its definition.  stacks_forget, in a forked child, drops
 * the table (the parent's later definitions may not reach the child).
 */
struct stack_new {
	uint64_t word, hash;
};
HIDDEN uint32_t stacks_lookup(void *const *frames, int n, uint16_t flags,
    struct stack_new *fresh);
HIDDEN void stacks_insert(const struct stack_new *fresh);
HIDDEN void stacks_forget(void);

/*
 * The loaded objects (modules.c).  modules_announce sends them all at
 * attach and gives the agent's own span; modules_refresh sends the changes
 * when a dlopen() happened since (or always, if force), before an event
 * with the n return addresses in frames is recorded.
 */
HIDDEN void modules_announce(uintptr_t *agent_lo, uintptr_t *agent_hi);
HIDDEN void modules_refresh(int force, void *const *frames, int n);
HIDDEN int modules_changed(void);
/* In a forked child with a ring of its own: announce everything again. */
HIDDEN void modules_fork_child(void);

/*
 * --children (children.c): children_init parses HEAPPROF_CHILDREN;
 * children_ring makes this process's own ring and hands it to the CLI.
 */
HIDDEN int children_init(const char *value);
HIDDEN int children_ring(struct ring *r, uint32_t parent_pid,
    uint64_t fork_token, const struct agent_clock *inherit);

/*
 * Tests only: if the environment variable `name` is "R,W", write a byte to
 * fd W and wait for one on fd R (testhold.c).  1 if it waited.
 */
HIDDEN int agent_test_hold(const char *name);

/* Bump arena for allocations made while the real allocator is resolved. */
HIDDEN void *bootstrap_alloc(size_t size, size_t align);
HIDDEN size_t bootstrap_size(const void *p);

/* Inline: free() asks it of every block. */
#define BOOTSTRAP_ARENA_SIZE	(256 * 1024)
extern HIDDEN unsigned char bootstrap_arena[BOOTSTRAP_ARENA_SIZE];

static inline int
bootstrap_owns(const void *p)
{
	return (uintptr_t)p - (uintptr_t)bootstrap_arena <
	    BOOTSTRAP_ARENA_SIZE;
}

#endif
