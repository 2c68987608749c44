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
 * the dead owner cannot be using the slot any more.  A thread at a new
 * address that finds the probe chain full takes a slot whose owner the
 * kernel says is gone (reclaim).
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
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"

extern char **environ;

#define THREAD_PROBES	64
#define KEY_FREE	((uintptr_t)0)
#define KEY_DROPPED	((uintptr_t)1)	/* a parent's thread, in a child */
/* Values of tid no thread has: its owner is emptying it, or a reclaimer. */
#define TID_TAKING	0xfffffffeu
#define TID_LOCKED	0xffffffffu

union agent_thread_slot *agent_threads;
/* Until agent_thread_init, the descriptor's first word, which is constant. */
ptrdiff_t agent_tid_off;
struct agent_thread agent_thread_overflow;
static uintptr_t overflow_owner;
static uint64_t agent_thread_overflows;	/* for a debugger */

/* The slots in use, so that a forked child finds them without a scan. */
static uint16_t used[THREAD_SLOTS];
static uint32_t nused;
/* The table has 1 << agent_thread_bits slots (HEAPPROF_THREAD_SLOTS). */
unsigned agent_thread_bits = THREAD_BITS;
static int no_table;		/* HEAPPROF_THREAD_SLOTS=0 */
/* The process whose threads the slots are. */
static pid_t table_pid;

static uint32_t
tid_of(uintptr_t self)
{
	return __atomic_load_n((const uint32_t *)(self + agent_tid_off),
	    __ATOMIC_RELAXED);
}

/*
 * HEAPPROF_THREAD_SLOTS, rounded down to a power of two: a smaller table,
 * so that tests can fill it; 0, none, every thread on the overflow slot.
 * Read without getenv, which need not be safe in a signal handler.
 */
static void
table_size(void)
{
	static const char name[] = "HEAPPROF_THREAD_SLOTS=";
	unsigned long n = 0;
	const char *v = NULL;
	unsigned bits = 1;
	char **e;

	for (e = environ; e != NULL && *e != NULL; e++)
		if (strncmp(*e, name, sizeof name - 1) == 0)
			v = *e + sizeof name - 1;
	if (v == NULL || *v < '0' || *v > '9')
		return;
	for (; *v >= '0' && *v <= '9' && n < THREAD_SLOTS; v++)
		n = n * 10 + (unsigned long)(*v - '0');
	if (n == 0) {
		no_table = 1;
		return;
	}
	while (bits < THREAD_BITS && (2ul << bits) <= n)
		bits++;
	/* One store: a racing thread may be using the table already. */
	__atomic_store_n(&agent_thread_bits, bits, __ATOMIC_RELAXED);
}

static size_t
table_slots(void)
{
	return (size_t)1 << agent_thread_bits;
}

static union agent_thread_slot *
table(void)
{
	union agent_thread_slot *t, *expected = NULL;
	int saved_errno;

	t = __atomic_load_n(&agent_threads, __ATOMIC_ACQUIRE);
	if (t != NULL || no_table)
		return t;
	saved_errno = errno;
	/* Racing threads find the same size; it is set before the table. */
	table_size();
	if (no_table)
		return NULL;
	t = mmap(NULL, sizeof *t * table_slots(), PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (t == MAP_FAILED) {
		errno = saved_errno;
		return NULL;
	}
	if (!__atomic_compare_exchange_n(&agent_threads, &expected, t, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		munmap(t, sizeof *t * table_slots());
		t = expected;
	} else {
		__atomic_store_n(&table_pid, (pid_t)syscall(SYS_getpid),
		    __ATOMIC_RELEASE);
	}
	return t;
}

/*
 * The slot is this thread's now: empty it, then name its owner's tid.  A
 * signal handler that interrupts this finds the tid not yet its own and
 * empties the slot itself, harmlessly, as nothing in it is in use yet.
 */
static struct agent_thread *
take(struct agent_thread *t, uintptr_t self)
{
	memset((char *)t + offsetof(struct agent_thread, adopt), 0,
	    sizeof *t - offsetof(struct agent_thread, adopt));
	/* Before agent_thread_init the "tid" is not one: adopt it later. */
	t->adopt = agent_tid_off == 0;
	__atomic_store_n(&t->tid, tid_of(self), __ATOMIC_RELEASE);
	return t;
}

/*
 * Found by key with another tid: a dead thread's slot, or a fork's (see
 * adopt).  NULL if another thread is reclaiming it: the owner is dead.
 */
static struct agent_thread *
claim_known(struct agent_thread *t, uintptr_t self)
{
	uint32_t tid = tid_of(self), old;

	old = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE);
	do {
		if (old == tid)
			return t;
		if (old == TID_LOCKED)
			return NULL;
		if (old == TID_TAKING)	/* this thread's, interrupted */
			return take(t, self);
	} while (!__atomic_compare_exchange_n(&t->tid, &old,
	    t->adopt ? tid : TID_TAKING, 0, __ATOMIC_ACQ_REL,
	    __ATOMIC_ACQUIRE));
	if (t->adopt) {
		t->adopt = agent_tid_off == 0;
		return t;
	}
	return take(t, self);
}

/*
 * With no free slot near its home, a new thread may take the slot of a
 * thread that no longer exists, as the kernel says: locked first, so that
 * a new thread at the dead one's descriptor cannot take it over meanwhile
 * (that one then finds a slot elsewhere).  Not before the tids are known,
 * not for a slot a fork or a start-up left to adopt, not in a vfork child
 * (which is not the thread group of the slots' threads).
 */
static struct agent_thread *
reclaim(struct agent_thread *t, uintptr_t self)
{
	pid_t pid = (pid_t)syscall(SYS_getpid);
	uint32_t old = __atomic_load_n(&t->tid, __ATOMIC_ACQUIRE);
	int saved_errno = errno, dead;

	if (old == 0 || old == TID_TAKING || old == TID_LOCKED || t->adopt ||
	    agent_tid_off == 0 || pid != table_pid)
		return NULL;
	dead = syscall(SYS_tgkill, pid, old, 0) == -1 && errno == ESRCH;
	if (dead && __atomic_compare_exchange_n(&t->tid, &old, TID_LOCKED, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
		/* A new thread may have the number now: then it is its. */
		if (syscall(SYS_tgkill, pid, old, 0) == 0) {
			__atomic_store_n(&t->tid, old, __ATOMIC_RELEASE);
			dead = 0;
		} else {
			__atomic_store_n(&t->key, self, __ATOMIC_RELEASE);
		}
	} else {
		dead = 0;
	}
	errno = saved_errno;
	return dead ? take(t, self) : NULL;
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
	struct agent_thread *t, *mine;
	uintptr_t key, expected;
	size_t home, i, n, mask, probes;

	if (!glibc_descriptor(self) || (tab = table()) == NULL)
		return overflow(self);
	mask = table_slots() - 1;
	probes = mask < THREAD_PROBES ? mask + 1 : THREAD_PROBES;
	home = thread_hash(self);
	/* Known already (off its home slot, or with another tid)? */
	for (n = 0; n < probes; n++) {
		t = &tab[(home + n) & mask].t;
		key = __atomic_load_n(&t->key, __ATOMIC_ACQUIRE);
		if (key == self && (mine = claim_known(t, self)) != NULL)
			return mine;
		if (key == KEY_FREE)
			break;
	}
	/* Claim the first free or dropped slot. */
	for (n = 0; n < probes; n++) {
		i = (home + n) & mask;
		t = &tab[i].t;
		key = __atomic_load_n(&t->key, __ATOMIC_ACQUIRE);
		/* A signal handler put it there. */
		if (key == self && (mine = claim_known(t, self)) != NULL)
			return mine;
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
	for (n = 0; n < probes; n++) {
		t = &tab[(home + n) & mask].t;
		key = __atomic_load_n(&t->key, __ATOMIC_ACQUIRE);
		if (key != KEY_FREE && key != KEY_DROPPED &&
		    (mine = reclaim(t, self)) != NULL)
			return mine;
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
	const uint32_t *desc;
	uintptr_t self = thread_self();
	uint32_t tid;

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

	/*
	 * Taken by another thread of the parent, the overflow slot would
	 * never be let go, and that thread's hook never left: as if it had.
	 */
	t = &agent_thread_overflow;
	if (overflow_owner != 0 && overflow_owner != thread_self()) {
		t->hook_state = HOOK_IDLE;
		t->holding = t->resolving = 0;
		t->deferred.len = t->deferred.nfrees = 0;
		overflow_owner = 0;
	}
	self = agent_thread();
	table_pid = (pid_t)syscall(SYS_getpid);
	for (k = 0; k < nused; k++) {
		t = &agent_threads[used[k]].t;
		if (t != self && t->key != KEY_FREE) {
			t->tid = 0;	/* never reclaimed */
			t->key = KEY_DROPPED;
		}
	}
	agent_thread_leave(self, self->hook_state);
}
