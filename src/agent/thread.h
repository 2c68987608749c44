/* SPDX-License-Identifier: MIT */
/*
 * thread.h - the agent's per-thread state, without thread-local storage.
 *
 * A __thread variable in the agent would make glibc give every thread of
 * the program a DTV slot for the agent's TLS module, a larger block from
 * allocate_dtv than the program allocates without it.  So each thread's
 * state is a slot of a table the agent maps, found by the thread's glibc
 * descriptor (the thread pointer on x86_64).  thread.c has the rest.
 * Included by agent.h, whose HIDDEN it uses.
 */
#ifndef HEAPPROF_AGENT_THREAD_H
#define HEAPPROF_AGENT_THREAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "unwind.h"

/* heapprof_region_begin(3) counts of this thread (api.c). */
struct agent_region {
	unsigned depth;
	uint64_t blocks, bytes;
};

/* Records of interrupting signal handlers, to publish after the held one. */
#define DEFERRED_BYTES	4096
#define DEFERRED_FREES	32
struct agent_deferred {
	uint32_t len;
	uint32_t nfrees;
	_Alignas(8) unsigned char buf[DEFERRED_BYTES];
	void *frees[DEFERRED_FREES];
	void (*real_free)(void *);
};

/*
 * One thread's state.  A slot a new thread takes is all zero: every field
 * must read zero as empty.  Areas add their own struct before `deferred`.
 */
struct agent_thread {
	uintptr_t key;		/* the owner's descriptor; 0 free, 1 dropped */
	uint32_t tid;		/* the owner's tid, as glibc's descriptor has it */
	uint32_t adopt;		/* a tid change keeps the state (fork, start) */
	int hook_state;		/* enum hook_state */
	int holding;		/* a reserved record is not yet published */
	int resolving;		/* inside dlsym for the real allocator */
	uintptr_t cxx_cfa;	/* aligned_new's frame (hooks.c) */
	uint64_t fork_token;	/* of this thread's fork (attach.c) */
	struct agent_region region;
	struct unwind_thread unwind;	/* the last stack (unwind.c) */
	struct agent_deferred deferred;
};

#define THREAD_BITS		12	/* at most; HEAPPROF_THREAD_SLOTS */
#define THREAD_SLOTS		(1u << THREAD_BITS)
#define THREAD_SLOT_BYTES	(16 * 1024)
_Static_assert(sizeof(struct agent_thread) <= THREAD_SLOT_BYTES,
    "struct agent_thread fits its slot");

union agent_thread_slot {
	struct agent_thread t;
	unsigned char bytes[THREAD_SLOT_BYTES];
};

extern HIDDEN union agent_thread_slot *agent_threads;
extern HIDDEN ptrdiff_t agent_tid_off;
extern HIDDEN unsigned agent_thread_bits;
extern HIDDEN struct agent_thread agent_thread_overflow;

HIDDEN __attribute__((noinline)) struct agent_thread *
    agent_thread_slow(uintptr_t self);
HIDDEN void agent_thread_release(struct agent_thread *t);
/* Learn where glibc keeps a thread's tid; may allocate (dlsym). */
HIDDEN void agent_thread_init(void);
/* pthread_atfork handlers: the forking thread keeps its state. */
HIDDEN void agent_thread_fork_prepare(void);
HIDDEN void agent_thread_fork_parent(void);
HIDDEN void agent_thread_fork_child(void);

/* This thread's glibc descriptor, which is also its thread pointer. */
static inline uintptr_t
thread_self(void)
{
#if defined(__x86_64__)
	uintptr_t self;

	__asm__("mov %%fs:0, %0" : "=r"(self));
	return self;
#else
	return (uintptr_t)pthread_self();
#endif
}

static inline size_t
thread_hash(uintptr_t self)
{
	/* Descriptors sit at the top of stacks: the low 12 bits repeat. */
	return (size_t)(((uint64_t)(self >> 12) * 0x9e3779b97f4a7c15ull) >>
	    (64 - agent_thread_bits));
}

/*
 * This thread's state, never NULL; async-signal-safe.  The slot must be
 * this thread's and not a dead thread's at the same descriptor address,
 * which glibc gives out again: the tid glibc keeps in the descriptor says.
 */
static inline struct agent_thread *
agent_thread(void)
{
	uintptr_t self = thread_self();
	union agent_thread_slot *table = agent_threads;
	struct agent_thread *t;

	if (__builtin_expect(table != NULL, 1)) {
		t = &table[thread_hash(self)].t;
		if (__builtin_expect(t->key == self && t->tid ==
		    *(const uint32_t *)(self + agent_tid_off), 1))
			return t;
	}
	return agent_thread_slow(self);
}

/*
 * Set the state back to `state` after a hook; a thread on the shared
 * overflow slot gives it up when that is HOOK_IDLE.
 */
static inline void
agent_thread_leave(struct agent_thread *t, int state)
{
	t->hook_state = state;
	if (__builtin_expect(t == &agent_thread_overflow, 0))
		agent_thread_release(t);
}

#endif
