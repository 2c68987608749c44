/* SPDX-License-Identifier: MIT */
/*
 * thread.c - finding a thread's slot the first time, and the cases the
 * inline lookup in thread.h leaves here.
 *
 * The table is mapped on the first lookup (a system call, so this is safe
 * in a signal handler) and never freed.  A thread claims the first free
 * slot on the probe chain from its hash with a compare-and-swap, then
 * zeroes it; slots are not given back when a thread exits, but taken over
 * by the next thread with the same descriptor address (glibc reuses its
 * cached stacks, and with them those addresses), which is known by a tid
 * that does not match.  Only one live thread has a given descriptor, so
 * the dead owner cannot be using the slot any more.
 *
 * A forked child's thread has the forking thread's descriptor and a new
 * tid: it adopts the slot, state and all, as it would have kept its TLS.
 *
 * A thread with no glibc descriptor (clone(2) with a thread area of its
 * own), or one finding no free slot, uses one shared overflow slot, taken
 * for the length of a hook with a spin lock its owner may take again
 * (signal handlers nest in its hooks).  Events are not lost, only
 * serialised; agent_thread_overflows counts each time it was taken.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

#define THREAD_PROBES	64
#define KEY_FREE	((uintptr_t)0)
#define KEY_DROPPED	((uintptr_t)1)	/* a parent's thread, in a child */

union agent_thread_slot *agent_threads;
/* Until agent_thread_init, the descriptor's first word, which is constant. */
ptrdiff_t agent_tid_off;
struct agent_thread agent_thread_overflow;
static uintptr_t overflow_owner;
static uint64_t agent_thread_overflows;	/* for a debugger */

/* The slots in use, so that a forked child finds them without a scan. */
static uint16_t used[THREAD_SLOTS];
static uint32_t nused;
/* HEAPPROF_THREAD_SLOTS, to test the overflow slot with fewer threads. */
static uint32_t slot_limit = THREAD_SLOTS;

static uint32_t
tid_of(uintptr_t self)
{
	return __atomic_load_n((const uint32_t *)(self + agent_tid_off),
	    __ATOMIC_RELAXED);
}

static union agent_thread_slot *
table(void)
{
	union agent_thread_slot *t, *expected = NULL;
	int saved_errno;

	t = __atomic_load_n(&agent_threads, __ATOMIC_ACQUIRE);
	if (t != NULL)
		return t;
	saved_errno = errno;
	t = mmap(NULL, sizeof *t * THREAD_SLOTS, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED) {
		errno = saved_errno;
		return NULL;
	}
	if (!__atomic_compare_exchange_n(&agent_threads, &expected, t, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		munmap(t, sizeof *t * THREAD_SLOTS);
		t = expected;
	}
	return t;
}

/* The slot is this thread's now: empty it, then name its owner's tid. */
static struct agent_thread *
take(struct agent_thread *t, uintptr_t self)
{
	memset((char *)t + offsetof(struct agent_thread, tid), 0,
	    sizeof *t - offsetof(struct agent_thread, tid));
	/* Before agent_thread_init the "tid" is not one: adopt it later. */
	t->adopt = agent_tid_off == 0;
	__atomic_store_n(&t->tid, tid_of(self), __ATOMIC_RELEASE);
	return t;
}

/* Found by key with another tid: a dead thread's slot, or a fork's. */
static struct agent_thread *
claim_known(struct agent_thread *t, uintptr_t self)
{
	uint32_t tid = tid_of(self);

	if (t->tid == tid)
		return t;
	if (t->adopt) {
		t->adopt = agent_tid_off == 0;
		__atomic_store_n(&t->tid, tid, __ATOMIC_RELEASE);
		return t;
	}
	return take(t, self);
}

static struct agent_thread *
overflow(uintptr_t self)
{
	uintptr_t owner;

	for (;;) {
		owner = __atomic_load_n(&overflow_owner, __ATOMIC_ACQUIRE);
		if (owner == self)
			return &agent_thread_overflow;
		if (owner == 0 && __atomic_compare_exchange_n(&overflow_owner,
		    &owner, self, 0, __ATOMIC_ACQUIRE, __ATOMIC_RELAXED)) {
			__atomic_add_fetch(&agent_thread_overflows, 1,
			    __ATOMIC_RELAXED);
			return &agent_thread_overflow;
		}
		sched_yield();
	}
}

void
agent_thread_release(struct agent_thread *t)
{
	if (t->hook_state == HOOK_IDLE && !t->holding && !t->resolving)
		__atomic_store_n(&overflow_owner, 0, __ATOMIC_RELEASE);
}

static int
glibc_descriptor(uintptr_t self)
{
#if defined(__x86_64__)
	/* glibc's tcbhead_t: tcb, dtv, self. */
	return ((const uintptr_t *)self)[2] == self;
#else
	return self != 0;
#endif
}

struct agent_thread *
agent_thread_slow(uintptr_t self)
{
	union agent_thread_slot *tab;
	struct agent_thread *t;
	uintptr_t key, expected;
	size_t home, i, n;

	if (!glibc_descriptor(self) || (tab = table()) == NULL)
		return overflow(self);
	home = thread_hash(self);
	/* Known already (off its home slot, or with another tid)? */
	for (n = 0; n < THREAD_PROBES; n++) {
		t = &tab[(home + n) % THREAD_SLOTS].t;
		key = __atomic_load_n(&t->key, __ATOMIC_ACQUIRE);
		if (key == self)
			return claim_known(t, self);
		if (key == KEY_FREE)
			break;
	}
	/* Claim the first free or dropped slot. */
	if (__atomic_load_n(&nused, __ATOMIC_RELAXED) >= slot_limit)
		return overflow(self);
	for (n = 0; n < THREAD_PROBES; n++) {
		i = (home + n) % THREAD_SLOTS;
		t = &tab[i].t;
		key = __atomic_load_n(&t->key, __ATOMIC_ACQUIRE);
		if (key == self)	/* a signal handler put it there */
			return claim_known(t, self);
		if (key != KEY_FREE && key != KEY_DROPPED)
			continue;
		expected = key;
		if (!__atomic_compare_exchange_n(&t->key, &expected, self, 0,
		    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
			n--;		/* look at it again */
			continue;
		}
		if (key == KEY_FREE)
			used[__atomic_fetch_add(&nused, 1,
			    __ATOMIC_RELAXED)] = (uint16_t)i;
		return take(t, self);
	}
	return overflow(self);
}

/*
 * Where glibc's descriptor keeps the thread's tid: libc's own description
 * of it for libthread_db ({ bits, count, offset }), checked against this
 * thread's tid.  Without it, slots are told apart by descriptor alone.
 */
void
agent_thread_init(void)
{
	const char *limit = getenv("HEAPPROF_THREAD_SLOTS");
	const uint32_t *desc;
	uintptr_t self = thread_self();
	uint32_t tid;

	if (limit != NULL && *limit >= '0' && *limit <= '9' &&
	    strtoul(limit, NULL, 10) < THREAD_SLOTS)
		slot_limit = (uint32_t)strtoul(limit, NULL, 10);
	if (__atomic_load_n(&agent_tid_off, __ATOMIC_RELAXED) != 0 ||
	    !glibc_descriptor(self))
		return;
	desc = dlsym(RTLD_DEFAULT, "_thread_db_pthread_tid");
	if (desc == NULL || desc[0] != 32 || desc[1] != 1 || desc[2] == 0 ||
	    desc[2] > 4096)
		return;
	tid = (uint32_t)syscall(SYS_gettid);
	if (*(const uint32_t *)(self + desc[2]) != tid)
		return;
	__atomic_store_n(&agent_tid_off, (ptrdiff_t)desc[2], __ATOMIC_RELEASE);
}

void
agent_thread_fork_prepare(void)
{
	struct agent_thread *t = agent_thread();

	t->adopt = 1;
	agent_thread_leave(t, t->hook_state);
}

void
agent_thread_fork_parent(void)
{
	struct agent_thread *t = agent_thread();

	t->adopt = agent_tid_off == 0;
	agent_thread_leave(t, t->hook_state);
}

/* The child's only thread: every other slot is a parent thread's. */
void
agent_thread_fork_child(void)
{
	struct agent_thread *self, *t;
	uint32_t k;

	/* Taken by another thread of the parent, the lock is never let go. */
	if (overflow_owner != thread_self()) {
		overflow_owner = 0;
		memset(&agent_thread_overflow, 0, sizeof agent_thread_overflow);
	}
	self = agent_thread();
	for (k = 0; k < nused; k++) {
		t = &agent_threads[used[k]].t;
		if (t != self && t->key != KEY_FREE)
			t->key = KEY_DROPPED;
	}
	agent_thread_leave(self, self->hook_state);
}
