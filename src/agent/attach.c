/* SPDX-License-Identifier: MIT */
/*
 * attach.c - the preload agent's life: attach to the ring the CLI made,
 * announce the loaded objects, follow forks (record.c turns allocation
 * events into records).
 *
 * Attaching happens on the first event or in the constructor, whichever
 * comes first, so blocks allocated by earlier constructors are seen.  After
 * attaching the agent removes its traces from the environment (the ring's
 * fd variable and its own LD_PRELOAD entry) and closes the fd, so programs
 * the target execs are not profiled and do not touch the session's ring,
 * and nothing the program later does to its fds or environment matters.
 */
#include "config.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "ring.h"
#include "wire.h"

struct ring agent_ring = { .fd = -1 };

enum attach_state { ATTACH_NONE, ATTACH_BUSY, ATTACH_READY, ATTACH_OFF };

/*
 * The attach state; while it is ATTACH_BUSY, the pid of the process whose
 * thread is attaching sits above ATTACH_PID_SHIFT, set in the same
 * compare-and-swap.  A child forked by another thread meanwhile inherits
 * BUSY with its parent's pid, and no thread of the child will ever finish
 * that attach: it must not wait for it (see forked_while_attaching).
 */
static uint64_t attach_state;
#define ATTACH_PID_SHIFT	8
#define ATTACH_STATE(word)	((int)((word) & 0xff))
static int ad_hoc_only;		/* run --mode=ad-hoc: the hooks record nothing */
static struct agent_clock ring_clock;
static int children;		/* run --children: follow forks and execs */

#define HOLD_ATTACH	"HEAPPROF_TEST_ATTACH_HOLD"

extern char **environ;


uint64_t
agent_now(void)
{
	return ring_clock_read(ring_clock.clock) - ring_clock.origin;
}

static void
clock_of_ring(const struct ring *r)
{
	ring_clock.clock = r->hdr->clock;
	ring_clock.origin = r->hdr->clock_origin;
	ring_clock.mono_origin = r->hdr->mono_origin;
}

/* Remove NAME=... from environ in place; unsetenv() could take a lock. */
static void
env_remove(const char *name)
{
	size_t len = strlen(name);
	char **src, **dst;

	for (src = dst = environ; *src != NULL; src++) {
		if (strncmp(*src, name, len) == 0 && (*src)[len] == '=')
			continue;
		*dst++ = *src;
	}
	*dst = NULL;
}

/*
 * The CLI put the agent first in LD_PRELOAD; take it out again, keeping the
 * user's own entries, by shifting the string in place.
 */
static void
env_strip_preload(const char *self_path)
{
	size_t len = strlen(self_path);
	char **e, *v;

	for (e = environ; *e != NULL; e++) {
		if (strncmp(*e, "LD_PRELOAD=", 11) != 0)
			continue;
		v = *e + 11;
		if (strncmp(v, self_path, len) != 0 ||
		    (v[len] != '\0' && v[len] != ':' && v[len] != ' '))
			return;
		if (v[len] == '\0') {
			env_remove("LD_PRELOAD");
			return;
		}
		memmove(v, v + len + 1, strlen(v + len + 1) + 1);
		return;
	}
}

static void
send_hello(void)
{
	struct hp_rec_hello *hello;

	hello = ring_reserve(&agent_ring, sizeof *hello);
	if (hello == NULL)
		return;
	hello->pid = (uint32_t)getpid();
	hello->wire_version = HP_WIRE_VERSION;
	ring_publish(&agent_ring, hello, sizeof *hello, HP_REC_HELLO, 0);
}

/* --children: mark the point in this process's stream the child copies. */
static void
before_fork(void)
{
	static uint64_t forks;
	struct agent_thread *t = agent_thread();
	int saved = t->hook_state;

	if (!agent_active())
		return;
	t->hook_state = HOOK_RECORD;
	t->fork_token = __atomic_add_fetch(&forks, 1, __ATOMIC_RELAXED);
	agent_mark_fork(t, t->fork_token);
	agent_thread_leave(t, saved);
}

static void
after_fork_in_child(void)
{
	uint64_t token;
	struct agent_thread *t;

	/*
	 * Without --children the child is not profiled: it must not write
	 * into the parent's ring.  With it, the child gets a ring of its own.
	 */
	if (!children || !agent_active()) {
		__atomic_store_n(&attach_state, (uint64_t)ATTACH_OFF,
		    __ATOMIC_RELEASE);
		return;
	}
	ring_unmap(&agent_ring);
	stacks_forget();
	modules_fork_child();
	t = agent_thread();
	token = t->fork_token;
	agent_thread_leave(t, t->hook_state);
	if (children_ring(&agent_ring, (uint32_t)getppid(), token,
	    &ring_clock) == -1) {
		__atomic_store_n(&attach_state, (uint64_t)ATTACH_OFF,
		    __ATOMIC_RELEASE);
		return;
	}
	send_hello();
}

/* The ring the CLI made for the main target, passed by fd number. */
static int
attach_main_ring(const char *fdstr)
{
	char *end;
	long fd;

	errno = 0;
	fd = strtol(fdstr, &end, 10);
	if (errno != 0 || *end != '\0' || fd < 0 ||
	    ring_attach(&agent_ring, (int)fd) == -1)
		return -1;
	close(agent_ring.fd);
	agent_ring.fd = -1;
	return 0;
}

static int
attach(void)
{
	uintptr_t self_lo, self_hi;
	const char *fdstr, *chstr;
	Dl_info self;

	if (environ == NULL)
		return ATTACH_NONE;	/* too early: libc is not initialised */
	/* Tests: a thread other than the main one attaches, held there. */
	if (getenv(HOLD_ATTACH) != NULL) {
		if (syscall(SYS_gettid) == getpid())
			return ATTACH_NONE;
		agent_test_hold(HOLD_ATTACH);
	}
	fdstr = getenv(HP_ENV_RING_FD);
	chstr = getenv(HP_ENV_CHILDREN);
	children = chstr != NULL && children_init(chstr) == 0;
	if (fdstr != NULL) {
		if (attach_main_ring(fdstr) == -1)
			return ATTACH_OFF;
		env_remove(HP_ENV_RING_FD);
	} else if (!children || children_ring(&agent_ring,
	    (uint32_t)getppid(), 0, NULL) == -1) {
		return ATTACH_OFF;
	}
	clock_of_ring(&agent_ring);
	ad_hoc_only = agent_ring.hdr->mode == HP_MODE_AD_HOC;
	/* With --children, exec'd programs must find the agent again. */
	if (!children && dladdr((void *)&attach, &self) != 0 &&
	    self.dli_fname != NULL)
		env_strip_preload(self.dli_fname);

	send_hello();
	modules_announce(&self_lo, &self_hi);
	unwind_init(self_lo, self_hi);
	agent_thread_init();
	pthread_atfork(agent_thread_fork_prepare, agent_thread_fork_parent,
	    agent_thread_fork_child);
	pthread_atfork(children ? before_fork : NULL, NULL,
	    after_fork_in_child);
	return ATTACH_READY;
}

/*
 * This process is a child forked while a thread of its parent was
 * attaching: what the agent holds is half-built (the parent's ring maybe
 * mapped, the module table half-filled, libc's loader lock maybe held by a
 * thread that is not here), so the child is not profiled, with --children
 * or without.  The ring's fd is taken out of the environment, as the
 * parent's attach would have done, so that a program the child execs does
 * not write into the parent's ring.
 */
static int
forked_while_attaching(uint64_t busy)
{
	if (__atomic_compare_exchange_n(&attach_state, &busy, ATTACH_OFF, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		env_remove(HP_ENV_RING_FD);
	return 0;
}

int
agent_attached(void)
{
	uint64_t word = __atomic_load_n(&attach_state, __ATOMIC_ACQUIRE);
	uint64_t expected = ATTACH_NONE, busy;
	struct agent_thread *t;
	int saved, state;

	if (__builtin_expect(word == ATTACH_READY, 1))
		return 1;
	if (word == ATTACH_OFF)
		return 0;
	busy = ATTACH_BUSY | (uint64_t)getpid() << ATTACH_PID_SHIFT;
	if (__atomic_compare_exchange_n(&attach_state, &expected, busy,
	    0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		/* getenv, dladdr and pthread_atfork may allocate for themselves. */
		t = agent_thread();
		saved = t->hook_state;
		t->hook_state = HOOK_PRIVATE;
		state = attach();
		agent_thread_leave(t, saved);
		__atomic_store_n(&attach_state, (uint64_t)state,
		    __ATOMIC_RELEASE);
		return state == ATTACH_READY;
	}
	/* Another thread is attaching; it takes microseconds. */
	while (ATTACH_STATE(word = __atomic_load_n(&attach_state,
	    __ATOMIC_ACQUIRE)) == ATTACH_BUSY) {
		if (word != busy)
			return forked_while_attaching(word);
		sched_yield();
	}
	return word == ATTACH_READY;
}

int
agent_heap(void)
{
	return agent_attached() && !ad_hoc_only;
}

int
agent_active(void)
{
	return __atomic_load_n(&attach_state, __ATOMIC_ACQUIRE) == ATTACH_READY;
}

void
agent_ring_gone(void)
{
	__atomic_store_n(&attach_state, (uint64_t)ATTACH_OFF, __ATOMIC_RELEASE);
}

__attribute__((constructor)) static void
agent_init(void)
{
	agent_attached();
}
