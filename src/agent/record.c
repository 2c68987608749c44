/* SPDX-License-Identifier: MIT */
/*
 * record.c - allocation events into records in the ring, once attached
 * (attach.c).
 *
 * A signal handler that allocates may interrupt the agent between reserving
 * a record and publishing it.  It must not then wait for ring space (the
 * collector would be waiting for the interrupted record), so its records
 * are kept in a small per-thread buffer and published right after the
 * interrupted one.
 */
#include "config.h"

#include <stdint.h>
#include <string.h>

#include "agent.h"
#include "ring.h"
#include "wire.h"

static void *
reserve(struct agent_thread *t, uint32_t len)
{
	void *rec;

	/* Set first: a handler interrupting the reservation must not wait. */
	t->holding = 1;
	rec = ring_reserve(&agent_ring, len);
	if (rec == NULL) {
		t->holding = 0;
		agent_ring_gone();
	}
	return rec;
}

static void flush_deferred(struct agent_thread *t);

static void
publish(struct agent_thread *t, void *rec, uint32_t len, uint16_t type,
    uint16_t flags)
{
	ring_publish(&agent_ring, rec, len, type, flags);
	t->holding = 0;
	if (__builtin_expect(t->deferred.len != 0, 0))
		flush_deferred(t);
}

/*
 * Copy a record built elsewhere into the ring, as held (a handler that
 * interrupts the copy must defer), and restore `t->holding` after.
 */
static void
put_built(struct agent_thread *t, const struct hp_rec *built)
{
	int was_holding = t->holding;
	void *rec;

	t->holding = 1;
	rec = ring_reserve(&agent_ring, built->len);
	if (rec != NULL) {
		memcpy((char *)rec + sizeof(struct hp_rec),
		    (const char *)built + sizeof(struct hp_rec),
		    built->len - sizeof(struct hp_rec));
		ring_publish(&agent_ring, rec, built->len, built->type,
		    built->flags);
	} else {
		agent_ring_gone();
	}
	t->holding = was_holding;
}

/*
 * A record built on a signal handler's stack: into the ring if this thread
 * holds no reservation, else into the deferred buffer (or, if that is
 * full, into the ring after all: a wait is then possible only if the ring
 * is full at that very moment).
 */
static void
emit(struct agent_thread *t, const struct hp_rec *built)
{
	if (t->holding && t->deferred.len + built->len <= DEFERRED_BYTES) {
		memcpy(t->deferred.buf + t->deferred.len, built, built->len);
		t->deferred.len += built->len;
		return;
	}
	put_built(t, built);
}

static void
flush_deferred(struct agent_thread *t)
{
	uint32_t pos = 0, n;
	const struct hp_rec *r;

	/* Handlers run during this loop append here and are picked up. */
	while (pos < t->deferred.len) {
		r = (const struct hp_rec *)(void *)(t->deferred.buf + pos);
		put_built(t, r);
		pos += r->len;
	}
	t->deferred.len = 0;
	/* The frees are recorded now: the addresses may be given out again. */
	while ((n = t->deferred.nfrees) != 0) {
		t->deferred.nfrees = n - 1;
		t->deferred.real_free(t->deferred.frees[n - 1]);
	}
}

/* Frames go into the ring as uint64_t, straight from the unwinder's buffer. */
_Static_assert(sizeof(void *) == sizeof(uint64_t), "64-bit addresses");

/* Send the definition of a new stack id, then let other events use it. */
static int
define_stack(struct agent_thread *t, uint32_t id, void *const *frames, int n, uint16_t flags,
    const struct stack_new *fresh)
{
	uint32_t len = (uint32_t)(sizeof(struct hp_rec_stack) +
	    (size_t)n * sizeof(uint64_t));
	struct hp_rec_stack *rec = reserve(t, len);

	if (rec == NULL)
		return -1;
	/* Reserved: an event that finds the id now comes after it. */
	stacks_insert(fresh);
	rec->id = id;
	rec->nframes = (uint32_t)n;
	memcpy(rec + 1, frames, (size_t)n * sizeof(uint64_t));
	publish(t, rec, len, HP_REC_STACK, flags);
	return 0;
}

/*
 * Reserve a record of `fixed` bytes for an event whose stack the hook
 * captured in buf: named by its id, or, when the stack table is full,
 * followed by the frames, which are then already copied in.  *nframes and
 * *stack are set for the record.  NULL if the ring is gone.
 */
static unsigned char *
reserve_with_stack(struct agent_thread *t, size_t fixed, void **buf, int n,
    uint32_t *len, uint32_t *nframes, uint32_t *stack, uint16_t *flags)
{
	struct stack_new fresh;
	unsigned char *rec;
	int first, truncated;
	uint32_t id;

	n = unwind_trim(buf, n, &first, &truncated);
	if (__builtin_expect(modules_changed(), 0))
		modules_refresh(0, buf + first, n);
	*flags = truncated ? HP_RECF_TRUNCATED : 0;
	id = stacks_lookup(buf + first, n, *flags, &fresh);
	if (__builtin_expect(id != 0, 1)) {
		if (fresh.word != 0 &&
		    define_stack(t, id, buf + first, n, *flags, &fresh) == -1)
			return NULL;
		*len = (uint32_t)fixed;
		*nframes = 0;
		*stack = id;
		*flags = HP_RECF_STACK_ID;
		return reserve(t, *len);
	}
	*len = (uint32_t)(fixed + (size_t)n * sizeof(uint64_t));
	rec = reserve(t, *len);
	if (rec == NULL)
		return NULL;
	memcpy(rec + fixed, buf + first, (size_t)n * sizeof(uint64_t));
	*nframes = (uint32_t)n;
	*stack = 0;
	return rec;
}

/* The same for a signal handler: the record is built on its own stack. */
static uint32_t
build_with_stack(unsigned char *rec, size_t fixed, uint32_t *nframes)
{
	void *buf[HP_CAPTURE_SLOTS];
	struct hp_rec *hdr = (struct hp_rec *)(void *)rec;
	int first, truncated, n;

	n = unwind_capture_nested(buf, &first, &truncated);
	memcpy(rec + fixed, buf + first, (size_t)n * sizeof(uint64_t));
	*nframes = (uint32_t)n;
	hdr->len = (uint32_t)(fixed + (size_t)n * sizeof(uint64_t));
	hdr->flags = HP_RECF_NESTED | (truncated ? HP_RECF_TRUNCATED : 0);
	return hdr->len;
}

#define NESTED_BUF	(sizeof(struct hp_rec_realloc) + \
			 HP_CAPTURE_SLOTS * sizeof(uint64_t))

void
agent_nested_alloc(void *p, size_t size)
{
	_Alignas(8) unsigned char buf[NESTED_BUF];
	struct hp_rec_alloc *a = (struct hp_rec_alloc *)(void *)buf;
	struct agent_thread *t = agent_thread();
	uint32_t nframes;

	if (!agent_heap())
		return;
	REGION_COUNT(t, size);
	build_with_stack(buf, sizeof *a, &nframes);
	a->hdr.type = HP_REC_ALLOC;
	a->addr = (uint64_t)(uintptr_t)p;
	a->size = size;
	a->time = agent_now();
	a->nframes = nframes;
	a->stack = 0;
	emit(t, &a->hdr);
}

void
agent_alloc(struct agent_thread *t, void *p, size_t size, void **frames,
    int n)
{
	struct hp_rec_alloc *rec;
	uint32_t len, nframes, stack;
	uint16_t flags;

	REGION_COUNT(t, size);
	rec = (struct hp_rec_alloc *)(void *)reserve_with_stack(t, sizeof *rec,
	    frames, n, &len, &nframes, &stack, &flags);
	if (rec == NULL)
		return;
	rec->addr = (uint64_t)(uintptr_t)p;
	rec->size = size;
	rec->time = agent_now();
	rec->nframes = nframes;
	rec->stack = stack;
	publish(t, rec, len, HP_REC_ALLOC, flags);
}

void
agent_free(struct agent_thread *t, void *p)
{
	struct hp_rec_free *rec;

	if (!agent_heap())
		return;
	rec = reserve(t, sizeof *rec);
	if (rec == NULL)
		return;
	rec->addr = (uint64_t)(uintptr_t)p;
	rec->time = agent_now();
	publish(t, rec, sizeof *rec, HP_REC_FREE, 0);
}

int
agent_nested_free(void *p, void (*real_free)(void *))
{
	struct agent_thread *t = agent_thread();
	struct hp_rec_free f;
	int keep;

	if (!agent_heap())
		return 0;
	memset(&f, 0, sizeof f);
	f.hdr.len = sizeof f;
	f.hdr.type = HP_REC_FREE;
	f.hdr.flags = HP_RECF_NESTED;
	f.addr = (uint64_t)(uintptr_t)p;
	f.time = agent_now();
	/* A deferred free is done only after it is recorded. */
	keep = t->holding && t->deferred.nfrees < DEFERRED_FREES &&
	    t->deferred.len + sizeof f <= DEFERRED_BYTES;
	emit(t, &f.hdr);
	if (keep) {
		t->deferred.real_free = real_free;
		t->deferred.frees[t->deferred.nfrees++] = p;
	}
	return keep;
}

void *
agent_realloc_begin(struct agent_thread *t, uint32_t *len, void **frames,
    int n)
{
	struct hp_rec_realloc *rec;
	uint32_t nframes, stack;
	uint16_t flags;

	rec = (struct hp_rec_realloc *)(void *)reserve_with_stack(t, sizeof *rec,
	    frames, n, len, &nframes, &stack, &flags);
	if (rec == NULL)
		return NULL;
	rec->nframes = nframes;
	rec->stack = stack;
	rec->hdr.flags = flags;
	return rec;
}

static uint16_t
realloc_flags(uint16_t flags, void *new, size_t size)
{
	/* NULL for a non-zero size is a failure; for size 0 glibc freed old. */
	if (new == NULL && size != 0)
		flags |= HP_RECF_FAILED;
	return flags;
}

void
agent_realloc_end(struct agent_thread *t, void *token, uint32_t len,
    void *old, void *new, size_t size)
{
	struct hp_rec_realloc *rec = token, *tail;
	uint64_t frames[HP_MAX_FRAMES];
	uint32_t nframes, stack;
	uint16_t flags;

	if (rec == NULL)
		return;
	if (new != NULL)
		REGION_COUNT(t, size);
	rec->old_addr = (uint64_t)(uintptr_t)old;
	rec->new_addr = (uint64_t)(uintptr_t)new;
	rec->size = size;
	rec->time = agent_now();
	flags = realloc_flags(rec->hdr.flags, new, size);
	if (new == NULL || new == old) {
		publish(t, rec, len, HP_REC_REALLOC, flags);
		return;
	}
	/*
	 * Read back from the ring, where the program or a collector that
	 * stopped reading (and so freed everything) may have changed it.
	 */
	nframes = rec->nframes;
	if (nframes > HP_MAX_FRAMES)
		nframes = HP_MAX_FRAMES;
	stack = rec->stack;
	memcpy(frames, rec + 1, nframes * sizeof *frames);
	publish(t, rec, len, HP_REC_REALLOC, flags | HP_RECF_MOVED);
	tail = reserve(t, len);
	if (tail == NULL)
		return;
	tail->old_addr = (uint64_t)(uintptr_t)old;
	tail->new_addr = (uint64_t)(uintptr_t)new;
	tail->size = size;
	tail->time = agent_now();
	tail->nframes = nframes;
	tail->stack = stack;
	memcpy(tail + 1, frames, nframes * sizeof *frames);
	publish(t, tail, len, HP_REC_REALLOC, flags | HP_RECF_MOVED_TAIL);
}

void
agent_nested_realloc(void *old, void *new, size_t size)
{
	_Alignas(8) unsigned char buf[NESTED_BUF];
	struct hp_rec_realloc *r = (struct hp_rec_realloc *)(void *)buf;
	struct agent_thread *t = agent_thread();
	uint32_t nframes;

	if (!agent_heap())
		return;
	if (new != NULL)
		REGION_COUNT(t, size);
	build_with_stack(buf, sizeof *r, &nframes);
	r->hdr.type = HP_REC_REALLOC;
	r->hdr.flags = realloc_flags(r->hdr.flags, new, size);
	r->old_addr = (uint64_t)(uintptr_t)old;
	r->new_addr = (uint64_t)(uintptr_t)new;
	r->size = size;
	r->time = agent_now();
	r->nframes = nframes;
	r->stack = 0;
	emit(t, &r->hdr);
}

int
agent_ad_hoc(uint64_t weight, void **frames, int n, int outer)
{
	_Alignas(8) unsigned char buf[NESTED_BUF];
	struct agent_thread *t = agent_thread();
	struct hp_rec_ad_hoc *rec;
	uint32_t len, nframes, stack;
	uint16_t flags;

	if (t->holding || outer != HOOK_IDLE) {
		/* Built aside: the interrupted record may be unpublished. */
		rec = (struct hp_rec_ad_hoc *)(void *)buf;
		build_with_stack(buf, sizeof *rec, &nframes);
		rec->hdr.type = HP_REC_AD_HOC;
		rec->weight = weight;
		rec->time = agent_now();
		rec->nframes = nframes;
		rec->stack = 0;
		emit(t, &rec->hdr);
		return agent_active() ? 0 : -1;
	}
	rec = (struct hp_rec_ad_hoc *)(void *)reserve_with_stack(t, sizeof *rec,
	    frames, n, &len, &nframes, &stack, &flags);
	if (rec == NULL)
		return -1;
	rec->weight = weight;
	rec->time = agent_now();
	rec->nframes = nframes;
	rec->stack = stack;
	publish(t, rec, len, HP_REC_AD_HOC, flags);
	return 0;
}

int
agent_query(uint64_t values[HP_STATS_N])
{
	static uint64_t tokens;
	struct agent_thread *t;
	struct hp_rec_query *rec;
	uint64_t token;
	int slot, rc;

	if (!agent_attached())
		return -1;
	/* Waiting here would wait for the record this thread holds. */
	t = agent_thread();
	if (t->holding || t->hook_state != HOOK_IDLE)
		return -2;
	slot = ring_claim_slot(&agent_ring);
	if (slot == -1) {
		agent_thread_leave(t, HOOK_IDLE);
		agent_ring_gone();
		return -1;
	}
	token = __atomic_add_fetch(&tokens, 1, __ATOMIC_RELAXED);
	t->hook_state = HOOK_RECORD;
	rec = reserve(t, sizeof *rec);
	if (rec != NULL) {
		rec->slot = (uint32_t)slot;
		rec->pad = 0;
		rec->token = token;
		publish(t, rec, sizeof *rec, HP_REC_QUERY, 0);
	}
	agent_thread_leave(t, HOOK_IDLE);
	if (rec == NULL) {
		ring_release_slot(&agent_ring, slot);
		return -1;
	}
	/* The collector polls; the caller is waiting for it now. */
	ring_wake_consumer(&agent_ring);
	rc = ring_await_answer(&agent_ring, slot, token, values);
	ring_release_slot(&agent_ring, slot);
	if (rc == -1) {
		agent_ring_gone();
		return -1;
	}
	return 0;
}

int
agent_assert_failed(const char *text)
{
	_Alignas(8) unsigned char buf[sizeof(struct hp_rec_assert) +
	    HP_ASSERT_MAX + 8];
	struct hp_rec_assert *rec = (struct hp_rec_assert *)(void *)buf;
	size_t n = strnlen(text, HP_ASSERT_MAX);
	uint32_t len = (uint32_t)HP_ALIGN8(sizeof *rec + n);
	struct agent_thread *t;
	int saved;

	if (!agent_attached())
		return -1;
	t = agent_thread();
	saved = t->hook_state;
	memset(buf, 0, len);
	rec->hdr.len = len;
	rec->hdr.type = HP_REC_ASSERT;
	rec->text_len = (uint32_t)n;
	memcpy(rec + 1, text, n);
	/* Built aside and emitted: a signal handler may assert too. */
	t->hook_state = HOOK_RECORD;
	emit(t, &rec->hdr);
	agent_thread_leave(t, saved);
	return agent_active() ? 0 : -1;
}

void
agent_mark_fork(struct agent_thread *t, uint64_t token)
{
	struct hp_rec_fork *rec = reserve(t, sizeof *rec);

	if (rec != NULL) {
		rec->token = token;
		publish(t, rec, sizeof *rec, HP_REC_FORK, 0);
	}
}
