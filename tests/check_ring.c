/* SPDX-License-Identifier: MIT */
/*
 * check_ring.c - the shared-memory event ring (src/ring.c): record framing
 * and order, wrap-around with PAD records, publication order across
 * reservations, concurrent producers, attaching to an existing ring, a
 * ring the program overwrote, and a collector that died unreaped.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/futex.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "check_heapprof.h"
#include "procstat.h"
#include "ring.h"
#include "wire.h"

#define RING_MIN	65536u

/* A copy of each drained record: the ring zeroes what it hands over. */
struct capture {
	size_t n;
	struct {
		uint32_t len;
		uint16_t type, flags;
		unsigned char bytes[256];
	} rec[16];
};

static int
capture_record(void *ctx, const struct hp_rec *rec)
{
	struct capture *cap = ctx;

	ck_assert_uint_lt(cap->n, 16);
	ck_assert_uint_le(rec->len, sizeof cap->rec[0].bytes);
	cap->rec[cap->n].len = rec->len;
	cap->rec[cap->n].type = rec->type;
	cap->rec[cap->n].flags = rec->flags;
	memcpy(cap->rec[cap->n].bytes, rec, rec->len);
	cap->n++;
	return 0;
}

static double
elapsed_s(const struct timespec *since)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - since->tv_sec) +
	    (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

START_TEST(test_create_header)
{
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	ck_assert_uint_eq(r.hdr->magic, HP_WIRE_MAGIC);
	ck_assert_uint_eq(r.hdr->version, HP_WIRE_VERSION);
	ck_assert_uint_eq(r.hdr->capacity, RING_MIN);
	ck_assert_uint_eq(r.mask, RING_MIN - 1);
	ck_assert_uint_eq(r.hdr->consumer_pid, (uint32_t)getpid());
	ck_assert_ptr_eq(r.data, (unsigned char *)r.hdr + HP_RING_HEADER_SIZE);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ck_assert_int_ge(r.fd, 0);
	ring_unmap(&r);
	ck_assert_int_eq(r.fd, -1);
	ck_assert_ptr_null(r.hdr);
}
END_TEST

START_TEST(test_records_in_order)
{
	static const char path[] = "/lib/libfoo.so";
	struct capture cap = { 0 };
	struct hp_rec_alloc *a;
	struct hp_rec_free *f;
	struct hp_rec_hello *h;
	struct hp_rec_module *m;
	const uint64_t *fr;
	uint32_t alen, mlen;
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);

	alen = sizeof *a + 3 * sizeof(uint64_t);
	a = ring_reserve(&r, alen);
	ck_assert_ptr_nonnull(a);
	a->addr = 0x1000;
	a->size = 42;
	a->time = 7;
	a->nframes = 3;
	((uint64_t *)(a + 1))[0] = 0xa1;
	((uint64_t *)(a + 1))[1] = 0xa2;
	((uint64_t *)(a + 1))[2] = 0xa3;
	ring_publish(&r, a, alen, HP_REC_ALLOC, HP_RECF_TRUNCATED);

	f = ring_reserve(&r, sizeof *f);
	ck_assert_ptr_nonnull(f);
	f->addr = 0x1000;
	f->time = 9;
	ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);

	h = ring_reserve(&r, sizeof *h);
	ck_assert_ptr_nonnull(h);
	h->pid = 4321;
	h->wire_version = HP_WIRE_VERSION;
	ring_publish(&r, h, sizeof *h, HP_REC_HELLO, 0);

	mlen = (uint32_t)HP_ALIGN8(sizeof *m + sizeof path - 1);
	m = ring_reserve(&r, mlen);
	ck_assert_ptr_nonnull(m);
	m->bias = 0x7f0000000000;
	m->lo = 0x7f0000001000;
	m->hi = 0x7f0000009000;
	m->path_len = sizeof path - 1;
	memcpy(m + 1, path, sizeof path - 1);
	ring_publish(&r, m, mlen, HP_REC_MODULE, 0);

	/* Nothing wrapped, so no PAD: pending is exactly the four records. */
	ck_assert_uint_eq(ring_pending(&r),
	    alen + sizeof *f + sizeof *h + mlen);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 4);
	ck_assert_uint_eq(cap.n, 4);
	ck_assert_uint_eq(ring_pending(&r), 0);

	ck_assert_uint_eq(cap.rec[0].type, HP_REC_ALLOC);
	ck_assert_uint_eq(cap.rec[0].flags, HP_RECF_TRUNCATED);
	ck_assert_uint_eq(cap.rec[0].len, alen);
	a = (struct hp_rec_alloc *)(void *)cap.rec[0].bytes;
	ck_assert_uint_eq(a->addr, 0x1000);
	ck_assert_uint_eq(a->size, 42);
	ck_assert_uint_eq(a->time, 7);
	ck_assert_uint_eq(a->nframes, 3);
	fr = (const uint64_t *)(a + 1);
	ck_assert_uint_eq(fr[0], 0xa1);
	ck_assert_uint_eq(fr[1], 0xa2);
	ck_assert_uint_eq(fr[2], 0xa3);

	ck_assert_uint_eq(cap.rec[1].type, HP_REC_FREE);
	ck_assert_uint_eq(cap.rec[1].flags, 0);
	ck_assert_uint_eq(cap.rec[1].len, sizeof *f);
	f = (struct hp_rec_free *)(void *)cap.rec[1].bytes;
	ck_assert_uint_eq(f->addr, 0x1000);
	ck_assert_uint_eq(f->time, 9);

	ck_assert_uint_eq(cap.rec[2].type, HP_REC_HELLO);
	ck_assert_uint_eq(cap.rec[2].len, sizeof *h);
	h = (struct hp_rec_hello *)(void *)cap.rec[2].bytes;
	ck_assert_uint_eq(h->pid, 4321);
	ck_assert_uint_eq(h->wire_version, HP_WIRE_VERSION);

	ck_assert_uint_eq(cap.rec[3].type, HP_REC_MODULE);
	ck_assert_uint_eq(cap.rec[3].len, mlen);
	m = (struct hp_rec_module *)(void *)cap.rec[3].bytes;
	ck_assert_uint_eq(m->bias, 0x7f0000000000);
	ck_assert_uint_eq(m->lo, 0x7f0000001000);
	ck_assert_uint_eq(m->hi, 0x7f0000009000);
	ck_assert_uint_eq(m->path_len, sizeof path - 1);
	ck_assert_mem_eq(m + 1, path, sizeof path - 1);

	/* Consumed records must not be delivered twice. */
	cap.n = 0;
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 0);
	ck_assert_uint_eq(cap.n, 0);
	ring_unmap(&r);
}
END_TEST

/*
 * A record reserved first but published last must hold back everything
 * reserved after it: the collector relies on reservation order.
 */
START_TEST(test_unpublished_blocks_drain)
{
	struct capture cap = { 0 };
	struct hp_rec_free *first, *second;
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	first = ring_reserve(&r, sizeof *first);
	second = ring_reserve(&r, sizeof *second);
	ck_assert_ptr_nonnull(first);
	ck_assert_ptr_nonnull(second);
	ck_assert_ptr_ne(first, second);
	second->addr = 2;
	ring_publish(&r, second, sizeof *second, HP_REC_FREE, 0);

	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 0);
	ck_assert_uint_eq(cap.n, 0);
	ck_assert_uint_eq(ring_pending(&r), 2 * sizeof *first);

	first->addr = 1;
	ring_publish(&r, first, sizeof *first, HP_REC_FREE, 0);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 2);
	ck_assert_uint_eq(cap.n, 2);
	ck_assert_uint_eq(((struct hp_rec_free *)(void *)cap.rec[0].bytes)->addr,
	    1);
	ck_assert_uint_eq(((struct hp_rec_free *)(void *)cap.rec[1].bytes)->addr,
	    2);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ring_unmap(&r);
}
END_TEST

/*
 * After the target died, a record a thread reserved but never published
 * is skipped and the records after it are still drained: by other threads,
 * and behind a second abandoned record.
 */
START_TEST(test_abandoned_records_skipped)
{
	struct capture cap = { 0 };
	struct hp_rec_alloc *dead;
	struct hp_rec_free *f;
	struct ring r;
	size_t abandoned = 9;
	uint64_t i;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	/* Its payload was written, its header never was. */
	dead = ring_reserve(&r, sizeof *dead + 3 * sizeof(uint64_t));
	dead->addr = 0x55d5c3a2b2a0;
	dead->size = 24;
	for (i = 0; i < 3; i++) {
		f = ring_reserve(&r, sizeof *f);
		f->addr = 100 + i;
		ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);
	}
	(void)ring_reserve(&r, sizeof *f);	/* nothing written at all */
	f = ring_reserve(&r, sizeof *f);
	f->addr = 200;
	ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);

	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 0);
	ck_assert_uint_eq(ring_drain_abandoned(&r, capture_record, &cap,
	    &abandoned), 4);
	ck_assert_uint_eq(abandoned, 2);
	ck_assert_uint_eq(cap.n, 4);
	for (i = 0; i < 3; i++)
		ck_assert_uint_eq(((struct hp_rec_free *)(void *)
		    cap.rec[i].bytes)->addr, 100 + i);
	ck_assert_uint_eq(((struct hp_rec_free *)(void *)cap.rec[3].bytes)->addr,
	    200);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ring_unmap(&r);
}
END_TEST

/*
 * ring_wait must not sleep when the ring is a quarter full or when
 * cancelled; the 10 s timeouts would trip Check's test timeout if it did.
 */
START_TEST(test_wait_returns_early)
{
	volatile int cancel = 1;
	struct hp_rec_free *f;
	struct timespec t0;
	struct ring r;
	size_t i;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ring_wait(&r, 10000, &cancel);
	ck_assert_double_lt(elapsed_s(&t0), 1.0);

	for (i = 0; i * sizeof *f < RING_MIN / 4; i++) {
		f = ring_reserve(&r, sizeof *f);
		ck_assert_ptr_nonnull(f);
		ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	ring_wait(&r, 10000, NULL);
	ck_assert_double_lt(elapsed_s(&t0), 1.0);
	/* A wake-up is a bump of the futex word a waiter sleeps on. */
	ring_wake_consumer(&r);
	ck_assert_uint_eq(r.hdr->consumer_wake, 1);
	ring_unmap(&r);
}
END_TEST

/* What a collector in another process does: map the fd it was handed. */
START_TEST(test_attach_shares_ring)
{
	struct capture cap = { 0 };
	struct hp_rec_free *f;
	struct ring r, a;
	int fd;

	ck_assert_int_eq(ring_create(&r, 2 * RING_MIN), 0);
	/* ring_unmap closes the fd, so each mapping gets its own. */
	fd = dup(r.fd);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ring_attach(&a, fd), 0);
	ck_assert_int_eq(a.fd, fd);
	ck_assert_ptr_ne(a.hdr, r.hdr);
	ck_assert_uint_eq(a.hdr->magic, HP_WIRE_MAGIC);
	ck_assert_uint_eq(a.hdr->version, HP_WIRE_VERSION);
	ck_assert_uint_eq(a.hdr->capacity, 2 * RING_MIN);
	ck_assert_uint_eq(a.hdr->clock_origin, r.hdr->clock_origin);
	ck_assert_uint_eq(a.hdr->consumer_pid, r.hdr->consumer_pid);
	ck_assert_uint_eq(a.mask, r.mask);
	ck_assert_uint_eq(a.map_size, r.map_size);

	/* Produce through one mapping, consume through the other. */
	f = ring_reserve(&a, sizeof *f);
	ck_assert_ptr_nonnull(f);
	f->addr = 0xfeed;
	f->time = 3;
	ring_publish(&a, f, sizeof *f, HP_REC_FREE, 0);
	ck_assert_uint_eq(ring_pending(&r), sizeof *f);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 1);
	ck_assert_uint_eq(cap.rec[0].type, HP_REC_FREE);
	ck_assert_uint_eq(((struct hp_rec_free *)(void *)cap.rec[0].bytes)->addr,
	    0xfeed);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ck_assert_uint_eq(a.hdr->tail, a.hdr->head);
	ring_unmap(&a);
	ring_unmap(&r);
}
END_TEST

/* --- wrap-around -------------------------------------------------------- */

#define WRAP_RECORDS	10000u

static uint32_t
wrap_len(uint32_t i)
{
	return 24 + 8 * ((i * 37u) % 123u);	/* 24 .. 1000 */
}

struct wrap_ctx {
	uint32_t next;		/* sequence number expected next */
	uint64_t bytes;		/* delivered, headers included */
};

static int
wrap_record(void *ctx, const struct hp_rec *rec)
{
	struct wrap_ctx *w = ctx;
	const uint64_t *words = (const uint64_t *)(const void *)(rec + 1);
	uint32_t i = w->next, k;

	if (rec->type == HP_REC_PAD)
		ck_abort_msg("PAD record delivered before record %u", i);
	if (i >= WRAP_RECORDS)
		ck_abort_msg("record beyond the %u pushed", WRAP_RECORDS);
	if (rec->len != wrap_len(i) ||
	    rec->type != HP_REC_HELLO + i % 5 || rec->flags != (i & HP_RECF_ALL))
		ck_abort_msg("record %u: len %u type %u flags %u", i, rec->len,
		    rec->type, rec->flags);
	for (k = 0; k < (rec->len - sizeof *rec) / 8; k++)
		if (words[k] != i)
			ck_abort_msg("record %u word %u is %" PRIu64, i, k,
			    words[k]);
	w->bytes += rec->len;
	w->next++;
	return 0;
}

START_TEST(test_wrap_around)
{
	struct wrap_ctx w = { 0, 0 };
	uint64_t *rec, pushed = 0, off, want_off = 0;
	uint32_t i, k, len;
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	for (i = 0; i < WRAP_RECORDS; i++) {
		len = wrap_len(i);
		/*
		 * One thread cannot wait for itself to drain, so drain first
		 * whenever the record and a worst-case PAD might not fit;
		 * drain early now and then too, to vary the tail's position.
		 */
		if (ring_pending(&r) + 2 * len > RING_MIN || i % 97 == 0)
			ring_drain(&r, wrap_record, &w);
		rec = ring_reserve(&r, len);
		if (rec == NULL)
			ck_abort_msg("record %u: consumer taken for dead", i);
		/*
		 * Records are back to back; the place of one that would
		 * straddle the end of the data area is filled with PAD, and
		 * the record comes right after that.
		 */
		off = (uint64_t)((unsigned char *)rec - r.data);
		if (want_off + len > RING_MIN)
			want_off = want_off + len - RING_MIN;
		if (off != want_off)
			ck_abort_msg("record %u at offset %" PRIu64 ", want %"
			    PRIu64, i, off, want_off);
		want_off = (off + len) % RING_MIN;
		for (k = 1; k < len / 8; k++)
			rec[k] = i;
		ring_publish(&r, rec, len, HP_REC_HELLO + i % 5,
		    i & HP_RECF_ALL);
		pushed += len;
	}
	ring_drain(&r, wrap_record, &w);
	ck_assert_uint_eq(w.next, WRAP_RECORDS);
	ck_assert_uint_eq(w.bytes, pushed);
	ck_assert_uint_eq(ring_pending(&r), 0);
	/* It wrapped many times, and PAD filler was skipped, not lost data. */
	ck_assert_uint_gt(r.hdr->head, 20 * (uint64_t)RING_MIN);
	ck_assert_uint_gt(r.hdr->head, pushed);
	ck_assert_uint_eq(r.hdr->tail, r.hdr->head);
	ring_unmap(&r);
}
END_TEST

/*
 * A producer as fast as the consumer cannot keep ring_drain for ever: it
 * returns at the head it read when it began, and the next call goes on
 * from there.
 */
static void push_free(struct ring *, uint64_t);
static int count_record(void *, const struct hp_rec *);

struct chase {
	struct ring *r;
	uint64_t next, pushed, last;
};

static void
chase_push(struct chase *c)
{
	struct hp_rec_free *f = ring_reserve(c->r, 40);

	ck_assert_ptr_nonnull(f);
	f->addr = c->pushed++;
	ring_publish(c->r, f, 40, HP_REC_FREE, 0);
}

static int
chase_record(void *ctx, const struct hp_rec *rec)
{
	struct chase *c = ctx;

	ck_assert_uint_eq(rec->len, 40);
	ck_assert_uint_eq(((const struct hp_rec_free *)(const void *)rec)->addr,
	    c->next);
	c->next++;
	if (c->pushed < c->last)
		chase_push(c);
	return 0;
}

START_TEST(test_drain_bounded)
{
	struct ring r;
	struct chase c = { &r, 0, 0, 10000 };
	uint64_t at;
	size_t n = 0, calls = 0;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	/* So that the bound does not fall where the data area wraps. */
	push_free(&r, 0);
	ck_assert_uint_eq(ring_drain(&r, count_record, &n), 1);
	chase_push(&c);
	/* What was published after the call began is the next call's. */
	n = ring_drain(&r, chase_record, &c);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ring_broken(&r, &at), 0);
	while (c.next < c.last && calls++ < c.last)
		ring_drain(&r, chase_record, &c);
	ck_assert_uint_eq(c.next, c.last);
	ck_assert_int_eq(ring_broken(&r, &at), 0);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ring_unmap(&r);
}
END_TEST

/* --- concurrent producers ----------------------------------------------- */

#define MT_THREADS	4
#define MT_RECORDS	100000u

struct mt_rec {
	struct hp_rec hdr;
	uint32_t tid;
	uint32_t pad;
	uint64_t seq;
};

struct producer {
	pthread_t thread;
	struct ring *r;
	uint32_t tid;
	int failed;
	unsigned *finished;	/* shared count of producers done */
};

static void *
produce(void *arg)
{
	struct producer *p = arg;
	struct mt_rec *rec;
	uint64_t seq;

	for (seq = 0; seq < MT_RECORDS; seq++) {
		rec = ring_reserve(p->r, sizeof *rec);
		if (rec == NULL) {
			p->failed = 1;
			break;
		}
		rec->tid = p->tid;
		rec->seq = seq;
		ring_publish(p->r, rec, sizeof *rec, HP_REC_ALLOC, 0);
	}
	__atomic_add_fetch(p->finished, 1, __ATOMIC_RELEASE);
	return NULL;
}

/* Runs on the main thread, but records errors so threads can be joined. */
struct mt_ctx {
	uint64_t next[MT_THREADS];
	uint64_t total;
	uint64_t errors;
	char first_error[128];
};

static int
mt_record(void *ctx, const struct hp_rec *rec)
{
	struct mt_ctx *m = ctx;
	const struct mt_rec *mr = (const struct mt_rec *)(const void *)rec;

	m->total++;
	if (rec->len != sizeof *mr || rec->type != HP_REC_ALLOC ||
	    mr->tid >= MT_THREADS || mr->seq != m->next[mr->tid]) {
		if (m->errors++ == 0)
			snprintf(m->first_error, sizeof m->first_error,
			    "record %" PRIu64 ": len %u type %u tid %u seq %"
			    PRIu64, m->total, rec->len, rec->type, mr->tid,
			    mr->seq);
		return 0;
	}
	m->next[mr->tid]++;
	return 0;
}

START_TEST(test_concurrent_producers)
{
	struct producer prod[MT_THREADS];
	struct mt_ctx m;
	struct ring r;
	uint64_t want = (uint64_t)MT_THREADS * MT_RECORDS;
	unsigned finished = 0;
	int i;

	memset(&m, 0, sizeof m);
	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	for (i = 0; i < MT_THREADS; i++) {
		prod[i].r = &r;
		prod[i].tid = (uint32_t)i;
		prod[i].failed = 0;
		prod[i].finished = &finished;
		ck_assert_int_eq(pthread_create(&prod[i].thread, NULL, produce,
		    &prod[i]), 0);
	}
	/*
	 * Drain until every producer is done and everything it published
	 * is consumed, even after a bad record, so that producers blocked
	 * on a full ring can finish and be joined.  A record that is never
	 * published would hang here until Check's timeout fails the test.
	 */
	for (;;) {
		ring_drain(&r, mt_record, &m);
		if (__atomic_load_n(&finished, __ATOMIC_ACQUIRE) == MT_THREADS &&
		    ring_pending(&r) == 0)
			break;
		ring_wait(&r, 10, NULL);
	}
	for (i = 0; i < MT_THREADS; i++) {
		ck_assert_int_eq(pthread_join(prod[i].thread, NULL), 0);
		ck_assert_int_eq(prod[i].failed, 0);
	}
	ck_assert_msg(m.errors == 0, "%" PRIu64 " bad records, first: %s",
	    m.errors, m.first_error);
	ck_assert_uint_eq(m.total, want);
	for (i = 0; i < MT_THREADS; i++)
		ck_assert_uint_eq(m.next[i], MT_RECORDS);
	ck_assert_uint_eq(ring_drain(&r, mt_record, &m), 0);
	ck_assert_uint_eq(ring_pending(&r), 0);
	ring_unmap(&r);
}
END_TEST

/* --- a program that overwrites its ring --------------------------------- */

/*
 * Ways a program scribbles over its ring (heapprof's own reproducer does
 * the first few from inside a target).  Each runs on the same scene: 3
 * records drained, 2 waiting, then the scribble, at a place where the next
 * record would take the last 64 bytes of the data area.
 */
enum scribble {
	SC_FF,		/* all of it, header too, 0xff */
	SC_DATA_FF,	/* the data area 0xff */
	SC_ZERO,	/* all of it zeroed */
	SC_HEAD_FAR,	/* head beyond the capacity */
	SC_HEAD_BACK,	/* head before the consumer's tail */
	SC_HEAD_SHRUNK,	/* head lower than already seen, not below tail */
	SC_HEAD_ODD,	/* head not 8-byte aligned */
	SC_TAIL,	/* tail moved */
	SC_BIGLEN,	/* a record claiming 2 GiB */
	SC_PAST_END,	/* a record running past the data area */
	SC_PAST_HEAD,	/* a record longer than was reserved */
	SC_TOO_LONG,	/* longer than any record, within bounds */
	SC_ODDLEN,	/* not a multiple of 8 */
	SC_SHORT,	/* shorter than a record header */
	SC_TYPE,	/* an unknown type */
	SC_TYPE0,	/* type 0 */
	SC_FLAGS,	/* unknown flags */
	SC_PAD_SHORT,	/* a PAD that does not reach the end */
	SC_REFUSED,	/* framing fine, contents refused by the collector */
	SC_CAPACITY,	/* harmless: the header's capacity is not read */
	SC_PID,		/* harmless: nor is consumer_pid */
	SC_N
};

#define SCENE_START	(RING_MIN - 64 - 5 * 24)	/* of the 5 frees */

/* Counts what the scene's filler delivers. */
static int
count_record(void *ctx, const struct hp_rec *rec)
{
	(void)rec;
	++*(size_t *)ctx;
	return 0;
}

/* Like capture_record, but a FORK stands for what a collector refuses. */
static int
picky_record(void *ctx, const struct hp_rec *rec)
{
	if (rec->type == HP_REC_FORK)
		return -1;
	return capture_record(ctx, rec);
}

static void
push_free(struct ring *r, uint64_t addr)
{
	struct hp_rec_free *f = ring_reserve(r, sizeof *f);

	ck_assert_ptr_nonnull(f);
	f->addr = addr;
	f->time = addr;
	ring_publish(r, f, sizeof *f, HP_REC_FREE, 0);
}

/* The next 64 bytes, reserved as a record and published as told. */
static void
push_raw(struct ring *r, uint32_t reserve, uint32_t len, uint16_t type,
    uint16_t flags)
{
	struct hp_rec *rec = ring_reserve(r, reserve);

	ck_assert_ptr_nonnull(rec);
	ck_assert_uint_eq((unsigned char *)rec - r->data, RING_MIN - 64);
	rec->type = type;
	rec->flags = flags;
	__atomic_store_n(&rec->len, len, __ATOMIC_RELEASE);
}

START_TEST(test_scribbled)
{
	/* Records handed over after the first 3, and where the stream ends. */
	static const struct {
		size_t more;
		int broken;
		uint64_t at;	/* from SCENE_START */
	} want[SC_N] = {
		[SC_FF] = { 0, 1, 72 }, [SC_DATA_FF] = { 0, 1, 72 },
		[SC_ZERO] = { 0, 1, 72 }, [SC_HEAD_FAR] = { 0, 1, 72 },
		[SC_HEAD_BACK] = { 0, 1, 72 }, [SC_HEAD_SHRUNK] = { 0, 1, 120 },
		[SC_HEAD_ODD] = { 0, 1, 72 },
		[SC_TAIL] = { 0, 1, 72 }, [SC_BIGLEN] = { 2, 1, 120 },
		[SC_PAST_END] = { 2, 1, 120 }, [SC_PAST_HEAD] = { 2, 1, 120 },
		[SC_TOO_LONG] = { 2, 1, 120 }, [SC_ODDLEN] = { 2, 1, 120 },
		[SC_SHORT] = { 2, 1, 120 }, [SC_TYPE] = { 2, 1, 120 },
		[SC_TYPE0] = { 2, 1, 120 }, [SC_FLAGS] = { 2, 1, 120 },
		[SC_PAD_SHORT] = { 2, 1, 120 }, [SC_REFUSED] = { 2, 1, 120 },
		[SC_CAPACITY] = { 2, 0, 0 }, [SC_PID] = { 2, 0, 0 },
	};
	struct capture cap = { 0 };
	struct hp_rec *filler;
	uint64_t at, start;
	size_t n = 0, abandoned = 9, i;
	uint32_t len;
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	/* Move the scene near the end of the data area. */
	for (start = 0; start < SCENE_START; start += len) {
		len = SCENE_START - start < 4096 ?
		    (uint32_t)(SCENE_START - start) : 4096;
		filler = ring_reserve(&r, len);
		ck_assert_ptr_nonnull(filler);
		ring_publish(&r, filler, len, HP_REC_HELLO, 0);
		ck_assert_uint_eq(ring_drain(&r, count_record, &n), 1);
	}
	ck_assert_uint_eq(r.tail, SCENE_START);
	for (i = 0; i < 3; i++)
		push_free(&r, 100 + i);
	ck_assert_uint_eq(ring_drain(&r, picky_record, &cap), 3);
	push_free(&r, 200);
	push_free(&r, 201);

	switch (_i) {
	case SC_FF:
		memset(r.hdr, 0xff, HP_RING_HEADER_SIZE + RING_MIN);
		break;
	case SC_DATA_FF:
		memset(r.data, 0xff, RING_MIN);
		break;
	case SC_ZERO:
		memset(r.hdr, 0, HP_RING_HEADER_SIZE + RING_MIN);
		break;
	case SC_HEAD_FAR:
		r.hdr->head += 1ull << 40;
		break;
	case SC_HEAD_BACK:
		r.hdr->head = SCENE_START + 64;
		break;
	case SC_HEAD_SHRUNK:
		/* Seen at 184 behind a record not yet published, then 152. */
		push_raw(&r, 64, 0, HP_REC_FREE, 0);
		ck_assert_uint_eq(ring_drain(&r, picky_record, &cap), 2);
		cap.n = 3;
		r.hdr->head -= 32;
		break;
	case SC_HEAD_ODD:
		r.hdr->head += 4;
		break;
	case SC_TAIL:
		r.hdr->tail += 1ull << 40;
		break;
	case SC_BIGLEN:
		push_raw(&r, 64, 0x7ffffff8u, HP_REC_ALLOC, 0);
		break;
	case SC_PAST_END:
		push_raw(&r, 64, 128, HP_REC_MODULE, 0);
		r.hdr->head += 64;
		break;
	case SC_PAST_HEAD:
		push_raw(&r, 32, 64, HP_REC_FREE, 0);
		break;
	case SC_TOO_LONG:
		/* Bounds allow it: the data area ends later, head is far. */
		push_raw(&r, 64, HP_REC_MAX_LEN + 8, HP_REC_MODULE, 0);
		r.hdr->head += 2 * HP_REC_MAX_LEN;
		break;
	case SC_ODDLEN:
		push_raw(&r, 64, 60, HP_REC_FREE, 0);
		break;
	case SC_SHORT:
		push_raw(&r, 64, 4, HP_REC_FREE, 0);
		break;
	case SC_TYPE:
		push_raw(&r, 64, 64, 99, 0);
		break;
	case SC_TYPE0:
		push_raw(&r, 64, 64, 0, 0);
		break;
	case SC_FLAGS:
		push_raw(&r, 64, 64, HP_REC_FREE, 0x8000);
		break;
	case SC_PAD_SHORT:
		push_raw(&r, 64, 32, HP_REC_PAD, 0);
		break;
	case SC_REFUSED:
		push_raw(&r, 64, 64, HP_REC_FORK, 0);
		break;
	case SC_CAPACITY:
		r.hdr->capacity = 1ull << 40;
		break;
	case SC_PID:
		r.hdr->consumer_pid = 1;
		break;
	}
	ck_assert_uint_eq(ring_drain(&r, picky_record, &cap), want[_i].more);
	ck_assert_uint_eq(cap.n, 3 + want[_i].more);
	for (i = 0; i < want[_i].more; i++)
		ck_assert_uint_eq(((struct hp_rec_free *)(void *)
		    cap.rec[3 + i].bytes)->addr, 200 + i);
	ck_assert_int_eq(ring_broken(&r, &at), want[_i].broken);
	if (!want[_i].broken) {
		ck_assert_uint_eq(ring_pending(&r), 0);
		ring_unmap(&r);
		return;
	}
	ck_assert_uint_eq(at, SCENE_START + want[_i].at);
	/* Nothing more is read, even once the target is gone... */
	ck_assert_uint_eq(ring_drain(&r, picky_record, &cap), 0);
	ck_assert_uint_eq(ring_drain_abandoned(&r, picky_record, &cap,
	    &abandoned), 0);
	ck_assert_uint_eq(abandoned, 0);
	ck_assert_uint_eq(cap.n, 3 + want[_i].more);
	ck_assert_int_eq(ring_broken(&r, &at), 1);
	ck_assert_uint_eq(at, SCENE_START + want[_i].at);
	/* ...but space is given back, and producers are told to stop. */
	ck_assert_uint_eq(r.hdr->tail, r.hdr->head);
	ck_assert_uint_ne(r.hdr->consumer_lock & FUTEX_OWNER_DIED, 0);
	for (i = 0; i <= RING_MIN / 24 + 1; i++)
		if (ring_reserve(&r, 24) == NULL)
			break;
	ck_assert_uint_le(i, RING_MIN / 24 + 1);
	ring_unmap(&r);
}
END_TEST

/*
 * A record found unpublished (length 0) waits; after the target died it is
 * skipped, but garbage behind it still ends the stream, and a head far
 * beyond the capacity is not scanned.
 */
START_TEST(test_abandoned_then_garbage)
{
	struct capture cap = { 0 };
	struct hp_rec_free *f;
	size_t abandoned = 9;
	uint64_t at;
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	push_free(&r, 1);
	f = ring_reserve(&r, sizeof *f);	/* never published */
	f->addr = 2;
	push_free(&r, 3);
	push_free(&r, 4);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 1);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 0);
	ck_assert_int_eq(ring_broken(&r, &at), 0);
	memset(r.data + 96, 0xff, 64);
	r.hdr->head += 64;
	ck_assert_uint_eq(ring_drain_abandoned(&r, capture_record, &cap,
	    &abandoned), 2);
	ck_assert_uint_eq(abandoned, 1);
	ck_assert_uint_eq(cap.n, 3);
	ck_assert_int_eq(ring_broken(&r, &at), 1);
	ck_assert_uint_eq(at, 96);
	ring_unmap(&r);

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	push_free(&r, 1);
	(void)ring_reserve(&r, sizeof *f);
	ck_assert_uint_eq(ring_drain(&r, capture_record, &cap), 1);
	r.hdr->head += 1ull << 40;
	ck_assert_uint_eq(ring_drain_abandoned(&r, capture_record, &cap,
	    &abandoned), 0);
	ck_assert_int_eq(ring_broken(&r, &at), 1);
	ck_assert_uint_eq(at, 24);
	ring_unmap(&r);
}
END_TEST

/* What fn is handed is the collector's own copy, not the shared record. */
static int
copy_record(void *ctx, const struct hp_rec *rec)
{
	struct ring *r = ctx;
	const unsigned char *p = (const unsigned char *)rec;

	ck_assert_msg(p + rec->len <= (unsigned char *)r->hdr ||
	    p >= r->data + r->mask + 1, "record handed over in place");
	/* The producer changes it meanwhile: the copy does not change. */
	memset(r->data, 0xff, 24);
	ck_assert_uint_eq(rec->len, 24);
	ck_assert_uint_eq(((const struct hp_rec_free *)(const void *)rec)->addr,
	    5);
	return 0;
}

START_TEST(test_records_are_copies)
{
	struct ring r;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	push_free(&r, 5);
	ck_assert_uint_eq(ring_drain(&r, copy_record, &r), 1);
	ring_unmap(&r);
}
END_TEST

/*
 * A collector killed and not reaped: the kernel marks the ring's robust
 * futex as it exits, so a producer waiting for space gives up at once
 * instead of waiting for the zombie to be reaped.
 */
START_TEST(test_dead_collector_unreaped)
{
	struct ring r, c;
	siginfo_t si;
	int ready[2], fd;
	uint32_t word;
	char byte;
	pid_t pid;
	size_t i;

	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	ck_assert_int_eq(r.hdr->consumer_lock, 0);
	ck_assert_int_eq(pipe(ready), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		fd = dup(r.fd);
		if (ring_attach(&c, fd) == -1 || ring_own(&c) == -1)
			_exit(1);
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	close(ready[1]);
	ck_assert_int_eq(read(ready[0], &byte, 1), 1);
	close(ready[0]);
	/* Owned by the child's thread: alive, so producers wait. */
	word = __atomic_load_n(&r.hdr->consumer_lock, __ATOMIC_ACQUIRE);
	ck_assert_int_eq((pid_t)(word & FUTEX_TID_MASK), pid);
	ck_assert_uint_eq(word & FUTEX_OWNER_DIED, 0);
	ck_assert_int_eq(kill(pid, SIGKILL), 0);
	/* A zombie, left unreaped: WNOWAIT. */
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	ck_assert_int_eq(kill(pid, 0), 0);
	word = __atomic_load_n(&r.hdr->consumer_lock, __ATOMIC_ACQUIRE);
	ck_assert_uint_ne(word & FUTEX_OWNER_DIED, 0);
	/* Fill the ring: the first reservation that finds it full fails. */
	for (i = 0; i <= RING_MIN / 24; i++)
		if (ring_reserve(&r, 24) == NULL)
			break;
	ck_assert_uint_eq(i, RING_MIN / 24);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
	ring_unmap(&r);
}
END_TEST

/* Giving a ring up tells its producers, and gives glibc its list back. */
/*
 * What the collector reads of the producers' process: a stop, and the
 * parent, found after a name that holds ") T 1 (" as if it were fields.
 */
START_TEST(test_procstat)
{
	int ack[2], go[2], status;
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(ack), 0);
	ck_assert_int_eq(pipe(go), 0);
	pid = fork();
	ck_assert_int_ne(pid, -1);
	if (pid == 0) {
		prctl(PR_SET_NAME, "x) T 1 (y", 0, 0, 0);
		if (write(ack[1], "", 1) != 1 || read(go[0], &c, 1) != 1)
			_exit(1);
		raise(SIGSTOP);
		_exit(0);
	}
	ck_assert_int_eq(read(ack[0], &c, 1), 1);
	ck_assert_int_eq(procstat_stopped(pid), 0);
	ck_assert_int_eq(procstat_parent(pid), getpid());
	ck_assert_int_eq(write(go[1], "", 1), 1);
	ck_assert_int_eq(waitpid(pid, &status, WUNTRACED), pid);
	ck_assert(WIFSTOPPED(status));
	ck_assert_int_eq(procstat_stopped(pid), 1);
	ck_assert_int_eq(procstat_parent(pid), getpid());
	kill(pid, SIGCONT);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* Reaped: nothing to read. */
	ck_assert_int_eq(procstat_stopped(pid), 0);
	ck_assert_int_eq(procstat_parent(pid), -1);
	close(ack[0]);
	close(ack[1]);
	close(go[0]);
	close(go[1]);
}
END_TEST

START_TEST(test_unmap_disowns)
{
	struct robust_list_head *before, *during, *after;
	size_t len;
	struct ring r, a;

	ck_assert_int_eq(syscall(SYS_get_robust_list, 0, &before, &len), 0);
	ck_assert_int_eq(ring_create(&r, RING_MIN), 0);
	ck_assert_int_eq(ring_attach(&a, dup(r.fd)), 0);
	ck_assert_int_eq(ring_own(&a), 0);
	ck_assert_int_eq(syscall(SYS_get_robust_list, 0, &during, &len), 0);
	ck_assert_ptr_ne(during, before);
	ck_assert_int_eq(r.hdr->consumer_lock, (uint32_t)syscall(SYS_gettid));
	ring_unmap(&a);
	ck_assert_int_eq(r.hdr->consumer_lock, FUTEX_OWNER_DIED);
	ck_assert_int_eq(syscall(SYS_get_robust_list, 0, &after, &len), 0);
	ck_assert_ptr_eq(after, before);
	ring_unmap(&r);
}
END_TEST

/* --- errors ------------------------------------------------------------- */

START_TEST(test_create_rejects_capacity)
{
	static const uint64_t bad[] = { 0, 1, 4096, 32768, 65535, 65537,
	    65536 + 4096, 3 * 65536 };
	struct ring r;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		errno = 0;
		ck_assert_msg(ring_create(&r, bad[i]) == -1,
		    "capacity %" PRIu64 " accepted", bad[i]);
		ck_assert_int_eq(errno, EINVAL);
	}
}
END_TEST

/* A memfd laid out like a ring, with a header we control. */
static int
fake_ring(uint32_t magic, uint32_t version, uint64_t capacity, off_t size)
{
	struct hp_ring_header h;
	int fd;

	fd = memfd_create("fake-ring", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	ck_assert_int_eq(fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK), 0);
	memset(&h, 0, sizeof h);
	h.magic = magic;
	h.version = version;
	h.capacity = capacity;
	ck_assert_int_eq(pwrite(fd, &h, sizeof h, 0), (ssize_t)sizeof h);
	return fd;
}

START_TEST(test_attach_checks_header)
{
	const off_t size = HP_RING_HEADER_SIZE + RING_MIN;
	struct ring r;
	int fd;

	/* The well-formed control, so the failures below are the header's. */
	fd = fake_ring(HP_WIRE_MAGIC, HP_WIRE_VERSION, RING_MIN, size);
	ck_assert_int_eq(ring_attach(&r, fd), 0);
	ck_assert_uint_eq(r.hdr->capacity, RING_MIN);
	ring_unmap(&r);

	fd = fake_ring(HP_WIRE_MAGIC ^ 1, HP_WIRE_VERSION, RING_MIN, size);
	errno = 0;
	ck_assert_int_eq(ring_attach(&r, fd), -1);
	ck_assert_int_eq(errno, EPROTO);
	close(fd);

	fd = fake_ring(HP_WIRE_MAGIC, HP_WIRE_VERSION + 1, RING_MIN, size);
	errno = 0;
	ck_assert_int_eq(ring_attach(&r, fd), -1);
	ck_assert_int_eq(errno, EPROTO);
	close(fd);

	/* A capacity that disagrees with the file would map past its end. */
	fd = fake_ring(HP_WIRE_MAGIC, HP_WIRE_VERSION, 2 * RING_MIN, size);
	errno = 0;
	ck_assert_int_eq(ring_attach(&r, fd), -1);
	ck_assert_int_eq(errno, EPROTO);
	close(fd);

	fd = fake_ring(HP_WIRE_MAGIC, HP_WIRE_VERSION, RING_MIN, 4096);
	errno = 0;
	ck_assert_int_eq(ring_attach(&r, fd), -1);
	ck_assert_int_eq(errno, EPROTO);
	close(fd);

	/* One that could shrink under the collector's mapping (SIGBUS). */
	fd = memfd_create("fake-ring", MFD_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, size), 0);
	errno = 0;
	ck_assert_int_eq(ring_attach(&r, fd), -1);
	ck_assert_int_eq(errno, EPROTO);
	close(fd);
}
END_TEST

/* heapprof_stats(3): slots, answers, and a consumer that went away. */
struct awaiter {
	struct ring *r;
	int slot, rc;
	uint64_t token, values[HP_STATS_N];
};

static void *
await_thread(void *arg)
{
	struct awaiter *a = arg;

	a->rc = ring_await_answer(a->r, a->slot, a->token, a->values);
	return NULL;
}

START_TEST(test_answer_slots)
{
	uint64_t vals[HP_STATS_N] = { 1, 2, 3, 4, 5, 6 }, got[HP_STATS_N];
	struct awaiter a;
	struct ring r;
	pthread_t t;
	int i;

	ck_assert_int_eq(ring_create(&r, 65536), 0);
	ck_assert_int_eq(ring_own(&r), 0);
	ck_assert_int_eq(ring_claim_slot(&r), 0);
	ck_assert_int_eq(ring_claim_slot(&r), 1);
	ring_release_slot(&r, 0);
	ck_assert_int_eq(ring_claim_slot(&r), 0);

	/* A waiter sleeps until its own token is answered. */
	memset(&a, 0, sizeof a);
	a.r = &r;
	a.slot = 1;
	a.token = 42;
	ck_assert_int_eq(pthread_create(&t, NULL, await_thread, &a), 0);
	ring_answer(&r, 1, 42, vals);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert_int_eq(a.rc, 0);
	ck_assert_mem_eq(a.values, vals, sizeof vals);
	/* Out of range: nothing written anywhere. */
	ring_answer(&r, HP_ANSWER_SLOTS, 43, vals);
	ck_assert_uint_eq(r.hdr->answer_seq, 1);

	/* The consumer died: no answer is waited for, no slot either. */
	__atomic_store_n(&r.hdr->consumer_lock,
	    r.hdr->consumer_lock | FUTEX_OWNER_DIED, __ATOMIC_RELEASE);
	ck_assert_int_eq(ring_await_answer(&r, 0, 7, got), -1);
	for (i = 2; i < HP_ANSWER_SLOTS; i++)
		ck_assert_int_eq(ring_claim_slot(&r), i);
	ck_assert_int_eq(ring_claim_slot(&r), -1);
	ring_unmap(&r);
}
END_TEST

Suite *
make_ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_create_header);
	tcase_add_test(tc, test_records_in_order);
	tcase_add_test(tc, test_unpublished_blocks_drain);
	tcase_add_test(tc, test_abandoned_records_skipped);
	tcase_add_test(tc, test_wait_returns_early);
	tcase_add_test(tc, test_attach_shares_ring);
	tcase_add_test(tc, test_answer_slots);
	suite_add_tcase(s, tc);

	tc = tcase_create("Limits");
	/* Generous for sanitizer and valgrind builds; normally well under 1 s. */
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_wrap_around);
	tcase_add_test(tc, test_drain_bounded);
	tcase_add_test(tc, test_concurrent_producers);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_test(tc, test_create_rejects_capacity);
	tcase_add_test(tc, test_attach_checks_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("Untrusted");
	tcase_add_loop_test(tc, test_scribbled, 0, SC_N);
	tcase_add_test(tc, test_abandoned_then_garbage);
	tcase_add_test(tc, test_records_are_copies);
	tcase_add_test(tc, test_dead_collector_unreaped);
	tcase_add_test(tc, test_unmap_disowns);
	tcase_add_test(tc, test_procstat);
	suite_add_tcase(s, tc);
	return s;
}
