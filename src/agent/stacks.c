/* SPDX-License-Identifier: MIT */
/*
 * stacks.c - the agent's table of call stacks already sent.
 *
 * Most allocations repeat a stack seen before.  The first time a stack is
 * seen it crosses the ring once, in an HP_REC_STACK record with a new id;
 * later events carry only the id.  That makes an event a few words instead
 * of a few hundred bytes, and spares the collector hashing every event's
 * whole stack.
 *
 * The table is shared by all threads and never locked: entries are only
 * ever added, each written completely before a compare-and-swap makes it
 * visible.  An entry becomes visible only after its STACK record was
 * reserved, so any event that finds the id is reserved, and therefore
 * seen by the collector, after the stack's definition.  Two threads that
 * meet a new stack at once may both define it; the collector maps both
 * ids to one site.
 *
 * Memory is mmap'ed on first use and never given back; when it runs out
 * (more distinct stacks than a program ever has, or RLIMIT_AS), events
 * carry their frames inline as before, which costs speed, not exactness.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent.h"
#include "wire.h"

#define SLOT_BITS	20			/* 1M slots, 8 MiB */
#define NSLOTS		(1u << SLOT_BITS)
#define MAX_ENTRIES	(NSLOTS / 4 * 3)	/* open addressing stays fast */
#define MAX_PROBES	64
#define ARENA_SIZE	(256u << 20)		/* entries; touched as used */

/*
 * A slot holds the entry's offset in the arena (in 8-byte words, never 0)
 * in its low half and the top of its hash in the high half, so most
 * probes that miss never touch the arena.
 */
static uint64_t *slots;
static unsigned char *arena;
static uint64_t arena_used = 8;		/* offset 0 means an empty slot */
static uint32_t nentries, max_entries = MAX_ENTRIES;
static uint32_t next_id = 1;
static int setup_state;		/* 0 untried, 2 being set up, 1 ready, -1 failed */

struct entry {
	uint64_t hash;
	uint32_t id;
	uint16_t nframes;
	uint16_t flags;
	uint64_t frames[];
};

/*
 * Tests (HEAPPROF_TEST_STACKS_HOLD and _WON, see testhold.c): the main
 * thread keeps out of the race, the first other thread to find the table
 * not set up is held before it maps its memory and races for it, and the
 * thread that wins is held after.  1 if the calling thread must not set
 * the table up now.
 */
static int
setup_test_hold(int won)
{
	static int arrived;

	if (getenv("HEAPPROF_TEST_STACKS_HOLD") == NULL)
		return 0;
	if (syscall(SYS_gettid) == getpid())
		return 1;
	if (won)
		agent_test_hold("HEAPPROF_TEST_STACKS_WON");
	else if (__atomic_exchange_n(&arrived, 1, __ATOMIC_RELAXED) == 0)
		agent_test_hold("HEAPPROF_TEST_STACKS_HOLD");
	return 0;
}

static int
setup(void)
{
	void *s, *a;
	const char *limit;
	int state = __atomic_load_n(&setup_state, __ATOMIC_ACQUIRE), zero = 0;

	if (state != 0)
		return state;
	/* Tests make the table fill at once, to exercise the inline path. */
	if ((limit = getenv("HEAPPROF_TEST_STACK_ENTRIES")) != NULL)
		max_entries = (uint32_t)strtoul(limit, NULL, 10);
	if (setup_test_hold(0))
		return 0;
	s = mmap(NULL, NSLOTS * sizeof *slots, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	a = mmap(NULL, ARENA_SIZE, PROT_READ | PROT_WRITE,
	    MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (s == MAP_FAILED || a == MAP_FAILED) {
		if (s != MAP_FAILED)
			munmap(s, NSLOTS * sizeof *slots);
		if (a != MAP_FAILED)
			munmap(a, ARENA_SIZE);
		__atomic_store_n(&setup_state, -1, __ATOMIC_RELEASE);
		return -1;
	}
	/*
	 * Two threads may race here: the loser gives its maps back and sends
	 * this event's frames inline rather than wait for the winner, who may
	 * be descheduled (or, under a real-time policy, never run again on
	 * this CPU while the loser spins), or in the parent of a fork.
	 */
	if (!__atomic_compare_exchange_n(&setup_state, &zero, 2, 0,
	    __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		munmap(s, NSLOTS * sizeof *slots);
		munmap(a, ARENA_SIZE);
		return zero;
	}
	setup_test_hold(1);
	slots = s;
	arena = a;
	__atomic_store_n(&setup_state, 1, __ATOMIC_RELEASE);
	return 1;
}

/*
 * Four independent lanes: one multiply chain over every frame made a
 * 56-frame stack cost 140 ns, the chain's latency, not its work.
 */
static uint64_t
hash_frames(void *const *frames, int n, uint16_t flags)
{
	const uint64_t k = 0xff51afd7ed558ccdu;
	uint64_t h[4] = { 0x9e3779b97f4a7c15u ^ (uint64_t)n, flags,
	    0xc2b2ae3d27d4eb4fu, 0x165667b19e3779f9u };
	int i;

	for (i = 0; i + 4 <= n; i += 4) {
		h[0] = (h[0] ^ (uint64_t)(uintptr_t)frames[i]) * k;
		h[1] = (h[1] ^ (uint64_t)(uintptr_t)frames[i + 1]) * k;
		h[2] = (h[2] ^ (uint64_t)(uintptr_t)frames[i + 2]) * k;
		h[3] = (h[3] ^ (uint64_t)(uintptr_t)frames[i + 3]) * k;
	}
	for (; i < n; i++)
		h[i & 3] = (h[i & 3] ^ (uint64_t)(uintptr_t)frames[i]) * k;
	h[0] ^= (h[1] >> 29) ^ (h[2] << 17) ^ (h[3] >> 41);
	h[0] *= k;
	return h[0] ^ (h[0] >> 32) ^ h[1] ^ (h[2] >> 7) ^ (h[3] << 3);
}

static const struct entry *
entry_at(uint64_t slot)
{
	return (const struct entry *)(void *)(arena + (slot & 0xffffffffu) * 8);
}

static int
same(const struct entry *e, uint64_t hash, void *const *frames, int n,
    uint16_t flags)
{
	return e->hash == hash && e->nframes == n && e->flags == flags &&
	    memcmp(e->frames, frames, (size_t)n * sizeof *frames) == 0;
}

void
stacks_insert(const struct stack_new *fresh)
{
	uint32_t i = (uint32_t)fresh->hash & (NSLOTS - 1), probes;
	uint64_t expected;

	/* A full neighbourhood only means the stack is defined again later. */
	for (probes = 0; probes < MAX_PROBES; probes++) {
		expected = 0;
		if (__atomic_compare_exchange_n(&slots[i], &expected,
		    fresh->word, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
			return;
		i = (i + 1) & (NSLOTS - 1);
	}
}

uint32_t
stacks_lookup(void *const *frames, int n, uint16_t flags,
    struct stack_new *fresh)
{
	uint64_t hash, slot, tag, off, size;
	uint32_t i, probes;
	struct entry *e;

	fresh->word = 0;
	if (__builtin_expect(setup_state != 1, 0) && setup() != 1)
		return 0;
	hash = hash_frames(frames, n, flags);
	tag = hash & 0xffffffff00000000u;
	i = (uint32_t)hash & (NSLOTS - 1);
	for (probes = 0; probes < MAX_PROBES; probes++) {
		slot = __atomic_load_n(&slots[i], __ATOMIC_ACQUIRE);
		if (slot == 0)
			break;
		if ((slot & 0xffffffff00000000u) == tag &&
		    same(entry_at(slot), hash, frames, n, flags))
			return entry_at(slot)->id;
		i = (i + 1) & (NSLOTS - 1);
	}
	/* New: claim room for the entry and an id; give up when full. */
	if (__atomic_add_fetch(&nentries, 1, __ATOMIC_RELAXED) > max_entries)
		return 0;
	size = sizeof *e + (uint64_t)n * sizeof *frames;
	off = __atomic_fetch_add(&arena_used, size, __ATOMIC_RELAXED);
	if (off + size > ARENA_SIZE)
		return 0;
	e = (struct entry *)(void *)(arena + off);
	e->hash = hash;
	e->id = __atomic_fetch_add(&next_id, 1, __ATOMIC_RELAXED);
	/* Ids outlive stacks_forget(): a long line of forks could run out. */
	if (e->id >= HP_STACK_ID_LIMIT)
		return 0;
	e->nframes = (uint16_t)n;
	e->flags = flags;
	memcpy(e->frames, frames, (size_t)n * sizeof *frames);
	fresh->word = tag | (off / 8);
	fresh->hash = hash;
	return e->id;
}

void
stacks_forget(void)
{
	if (setup_state == 1) {
		munmap(slots, NSLOTS * sizeof *slots);
		munmap(arena, ARENA_SIZE);
	}
	slots = NULL;
	arena = NULL;
	arena_used = 8;
	nentries = 0;
	setup_state = 0;
}
