/* SPDX-License-Identifier: MIT */
/*
 * check_collect.c - the aggregator (src/collect.c): hand-built ring records
 * in, per-site and global statistics out, under both realloc conventions,
 * plus the anomaly counters for records that make no sense.
 *
 * Sites are numbered in order of first sight, so in each test below the
 * first stack used is site 0, the next new one site 1, and so on.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <string.h>

#include "check_heapprof.h"
#include "collect.h"
#include "ring.h"
#include "wire.h"

#define NF(s)	((uint32_t)(sizeof(s) / sizeof((s)[0])))

static const uint64_t stack_a[] = { 0x401010, 0x402020 };
static const uint64_t stack_b[] = { 0x401010, 0x403030 };
static const uint64_t stack_r[] = { 0x404040, 0x402020, 0x405050 };

/* Room for the largest legal record, aligned like the ring's. */
static uint64_t recbuf[(sizeof(struct hp_rec_realloc) +
    (HP_MAX_FRAMES + 8) * sizeof(uint64_t)) / sizeof(uint64_t)];

/* With HP_RECF_STACK_ID in flags, `stack` names the stack, not frames. */
static int
alloc_rec(struct collector *c, uint64_t addr, uint64_t size, uint64_t time,
    const uint64_t *frames, uint32_t n, uint16_t flags, uint32_t stack)
{
	struct hp_rec_alloc *a = (struct hp_rec_alloc *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	a->hdr.len = (uint32_t)(sizeof *a + n * sizeof *frames);
	a->hdr.type = HP_REC_ALLOC;
	a->hdr.flags = flags;
	a->addr = addr;
	a->size = size;
	a->time = time;
	a->nframes = n;
	a->stack = stack;
	if (n > 0)
		memcpy(a + 1, frames, n * sizeof *frames);
	return collector_record(c, &a->hdr);
}

static int
free_rec(struct collector *c, uint64_t addr, uint64_t time)
{
	struct hp_rec_free *f = (struct hp_rec_free *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	f->hdr.len = sizeof *f;
	f->hdr.type = HP_REC_FREE;
	f->addr = addr;
	f->time = time;
	return collector_record(c, &f->hdr);
}

static int
realloc_rec(struct collector *c, uint64_t old_addr, uint64_t new_addr,
    uint64_t size, uint64_t time, const uint64_t *frames, uint32_t n,
    uint16_t flags)
{
	struct hp_rec_realloc *r = (struct hp_rec_realloc *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	r->hdr.len = (uint32_t)(sizeof *r + n * sizeof *frames);
	r->hdr.type = HP_REC_REALLOC;
	r->hdr.flags = flags;
	r->old_addr = old_addr;
	r->new_addr = new_addr;
	r->size = size;
	r->time = time;
	r->nframes = n;
	memcpy(r + 1, frames, n * sizeof *frames);
	return collector_record(c, &r->hdr);
}

static int
stack_rec(struct collector *c, uint32_t id, const uint64_t *frames,
    uint32_t n)
{
	struct hp_rec_stack *st = (struct hp_rec_stack *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	st->hdr.len = (uint32_t)(sizeof *st + n * sizeof *frames);
	st->hdr.type = HP_REC_STACK;
	st->id = id;
	st->nframes = n;
	memcpy(st + 1, frames, n * sizeof *frames);
	return collector_record(c, &st->hdr);
}


#define ALLOC(c, addr, size, time, s) \
	alloc_rec((c), (addr), (size), (time), (s), NF(s), 0, 0)
#define alloc_id(c, addr, size, time, id) \
	alloc_rec((c), (addr), (size), (time), NULL, 0, HP_RECF_STACK_ID, (id))
#define FREE(c, addr, time) \
	free_rec((c), (addr), (time))
#define REALLOC(c, old, new, size, time, s) \
	realloc_rec((c), (old), (new), (size), (time), (s), NF(s), 0)

static void
expect_site(const struct collector *c, uint32_t site, int k, struct prof_stats w)
{
	const struct prof_stats *s;
	const char *conv = k == STATS_OWN ? "own" : "dhat";

	ck_assert_msg(site < c->stacks.nstacks, "no site %u", site);
	s = &c->sites[site].st[k];
#define FIELD(f)							\
	ck_assert_msg(s->f == w.f, "site %u %s: " #f " is %" PRIu64	\
	    ", want %" PRIu64, site, conv, s->f, w.f)
	FIELD(tb);
	FIELD(tbk);
	FIELD(tl);
	FIELD(mb);
	FIELD(mbk);
	FIELD(gb);
	FIELD(gbk);
	FIELD(eb);
	FIELD(ebk);
#undef FIELD
}

/* Sites whose two conventions agree (no realloc involved). */
static void
expect_both(const struct collector *c, uint32_t site, struct prof_stats w)
{
	expect_site(c, site, STATS_OWN, w);
	expect_site(c, site, STATS_DHAT, w);
}

static void
expect_no_anomalies(const struct collector *c)
{
	ck_assert_uint_eq(c->anomalies.unknown_free, 0);
	ck_assert_uint_eq(c->anomalies.unknown_realloc, 0);
	ck_assert_uint_eq(c->anomalies.live_realloc, 0);
	ck_assert_uint_eq(c->anomalies.bad_record, 0);
}

/* --- core --------------------------------------------------------------- */

START_TEST(test_lifetimes)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 10, stack_a);	/* site 0 */
	ALLOC(&c, 0x200, 30, 20, stack_a);
	ALLOC(&c, 0x300, 7, 25, stack_b);	/* site 1; the peak: 137 */
	FREE(&c, 0x100, 50);			/* lived 40 */
	FREE(&c, 0x300, 70);			/* lived 45 */
	collector_finish(&c, 100);		/* 0x200 lives 80 */

	ck_assert_uint_eq(c.stacks.nstacks, 2);
	ck_assert_uint_eq(c.events, 5);
	ck_assert_uint_eq(c.total_bytes, 137);
	ck_assert_uint_eq(c.total_blocks, 3);
	ck_assert_uint_eq(c.peak_bytes, 137);
	ck_assert_uint_eq(c.peak_blocks, 3);
	ck_assert_uint_eq(c.peak_time, 25);
	ck_assert_uint_eq(c.end_bytes, 30);
	ck_assert_uint_eq(c.end_blocks, 1);
	ck_assert_uint_eq(c.end_time, 100);
	ck_assert_uint_eq(c.live.count, 1);
	/* A: tl 40 + 80; its maximum was both blocks, 130. */
	expect_both(&c, 0, (struct prof_stats){ .tb = 130, .tbk = 2, .tl = 120,
	    .mb = 130, .mbk = 2, .gb = 130, .gbk = 2, .eb = 30, .ebk = 1 });
	expect_both(&c, 1, (struct prof_stats){ .tb = 7, .tbk = 1, .tl = 45,
	    .mb = 7, .mbk = 1, .gb = 7, .gbk = 1, .eb = 0, .ebk = 0 });
	expect_no_anomalies(&c);

	/* Finishing twice must not count the live lifetimes twice. */
	collector_finish(&c, 1000);
	ck_assert_uint_eq(c.end_time, 100);
	ck_assert_uint_eq(c.sites[0].st[STATS_OWN].tl, 120);
	collector_release(&c);
}
END_TEST

/*
 * Events a signal handler recorded inside an allocation are counted apart,
 * and otherwise taken as any other.
 */
START_TEST(test_nested_counted)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	ck_assert_int_eq(alloc_rec(&c, 0x200, 50, 2, stack_b, NF(stack_b),
	    HP_RECF_NESTED, 0), 0);
	ck_assert_int_eq(realloc_rec(&c, 0x200, 0x300, 60, 3, stack_b,
	    NF(stack_b), HP_RECF_NESTED), 0);
	FREE(&c, 0x100, 4);
	collector_finish(&c, 5);
	ck_assert_uint_eq(c.anomalies.nested, 2);
	ck_assert_uint_eq(c.total_blocks, 3);
	ck_assert_uint_eq(c.end_bytes, 60);
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

/*
 * Times on the TSC are turned into ns once finished; a free stamped by a
 * CPU whose counter is behind the allocating one's lives 0, not 2^64.
 */
START_TEST(test_time_scaled)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 300, stack_a);
	ALLOC(&c, 0x200, 50, 600, stack_b);	/* the peak */
	FREE(&c, 0x100, 900);			/* lived 600 ticks */
	FREE(&c, 0x200, 590);			/* skew: lived 0 */
	ALLOC(&c, 0x300, 10, 1200, stack_b);	/* lives to the end */
	collector_finish(&c, 1500);
	collector_scale_time(&c, 1, 3);		/* 3 ticks per ns */

	ck_assert_uint_eq(c.peak_time, 200);
	ck_assert_uint_eq(c.end_time, 500);
	ck_assert_uint_eq(c.sites[0].st[STATS_OWN].tl, 200);
	ck_assert_uint_eq(c.sites[1].st[STATS_OWN].tl, 100);
	ck_assert_uint_eq(c.sites[1].st[STATS_DHAT].tl, 100);
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

/*
 * Per site, each block in one log2 bucket of size when born and one of
 * lifetime when it dies or the run ends; lifetimes stay in ticks.
 */
START_TEST(test_distributions)
{
	static const uint64_t sizes[] = { 0, 1, 2, 3, 100, 127, 128, 4096,
	    (uint64_t)1 << 46, UINT64_MAX };
	struct collector c;
	const struct prof_dist *d;
	uint64_t i;

	collector_init(&c);
	for (i = 0; i < NF(sizes); i++)
		ALLOC(&c, 0x1000 + i * 16, sizes[i], 10, stack_a);
	/* Lifetimes 0, 1, 2, 3, 1000, 1023, 1024 and 2^46 ticks. */
	FREE(&c, 0x1000, 10);
	FREE(&c, 0x1010, 11);
	FREE(&c, 0x1020, 12);
	FREE(&c, 0x1030, 13);
	FREE(&c, 0x1040, 1010);
	FREE(&c, 0x1050, 1033);
	FREE(&c, 0x1060, 1034);
	FREE(&c, 0x1070, 10 + ((uint64_t)1 << 46));
	/* 0x1080 and 0x1090 live to the end: 2^47 ticks, and 2^47 - 5. */
	ALLOC(&c, 0x2000, 24, 15 + ((uint64_t)1 << 46), stack_b);
	REALLOC(&c, 0x2000, 0x3000, 40, 20 + ((uint64_t)1 << 46), stack_r);
	collector_finish(&c, 10 + ((uint64_t)1 << 47));
	collector_scale_time(&c, 1, 3);

	d = &c.sites[0].dist;
	ck_assert_uint_eq(d->size[0], 1);
	ck_assert_uint_eq(d->size[1], 1);
	ck_assert_uint_eq(d->size[2], 2);		/* 2, 3 */
	ck_assert_uint_eq(d->size[7], 2);		/* 100, 127 */
	ck_assert_uint_eq(d->size[8], 1);		/* 128 */
	ck_assert_uint_eq(d->size[13], 1);		/* 4096 */
	ck_assert_uint_eq(d->size[DIST_BUCKETS - 1], 2);	/* 2^46, more */
	ck_assert_uint_eq(d->life[0], 1);
	ck_assert_uint_eq(d->life[1], 1);
	ck_assert_uint_eq(d->life[2], 2);		/* 2, 3 */
	ck_assert_uint_eq(d->life[10], 2);		/* 1000, 1023 */
	ck_assert_uint_eq(d->life[11], 1);		/* 1024 */
	ck_assert_uint_eq(d->life[DIST_BUCKETS - 1], 3);
	/* The realloc: the old block of B dies, the new one is R's own. */
	ck_assert_uint_eq(c.sites[1].dist.size[5], 1);	/* 24 */
	ck_assert_uint_eq(c.sites[1].dist.life[3], 1);	/* 5 ticks */
	ck_assert_uint_eq(c.sites[2].dist.size[6], 1);	/* 40 */
	ck_assert_uint_eq(c.sites[2].dist.life[DIST_BUCKETS - 2], 1);
	/* Each block once in each histogram. */
	for (i = 0; i < 3; i++) {
		uint64_t ns = 0, nl = 0;
		size_t k;

		for (k = 0; k < DIST_BUCKETS; k++) {
			ns += c.sites[i].dist.size[k];
			nl += c.sites[i].dist.life[k];
		}
		ck_assert_uint_eq(ns, c.sites[i].st[STATS_OWN].tbk);
		ck_assert_uint_eq(nl, c.sites[i].st[STATS_OWN].tbk);
	}
	ck_assert_uint_eq(c.tick_num, 1);
	ck_assert_uint_eq(c.tick_den, 3);
	collector_release(&c);
}
END_TEST

static void
expect_point(const struct collector *c, size_t i, uint64_t time,
    uint64_t lo, uint64_t hi)
{
	const struct prof_point *pt = &c->timeline.pts[i];

	ck_assert_msg(pt->time == time && pt->lo == lo && pt->hi == hi,
	    "point %zu is (%" PRIu64 ", %" PRIu64 ", %" PRIu64 "), want (%"
	    PRIu64 ", %" PRIu64 ", %" PRIu64 ")", i, pt->time, pt->lo,
	    pt->hi, time, lo, hi);
}

/*
 * A short run: one point per tick, each with the live bytes carried into
 * it and after each of its events; times in ns once scaled.
 */
START_TEST(test_timeline_short)
{
	static const uint64_t want[13][2] = {
		{ 0, 0 }, { 0, 0 }, { 0, 100 }, { 100, 100 }, { 100, 100 },
		{ 100, 100 }, { 100, 150 }, { 150, 157 }, { 50, 157 },
		{ 50, 50 }, { 50, 50 }, { 50, 50 }, { 50, 50 },
	};
	struct collector c;
	size_t k;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 2, stack_a);
	ALLOC(&c, 0x200, 50, 6, stack_b);
	ALLOC(&c, 0x300, 7, 7, stack_b);	/* the peak */
	FREE(&c, 0x100, 8);
	FREE(&c, 0x300, 8);
	collector_finish(&c, 12);
	collector_scale_time(&c, 5, 2);
	ck_assert_uint_eq(c.npoints, 13);
	for (k = 0; k < 13; k++)
		expect_point(&c, k, k * 5 / 2, want[k][0], want[k][1]);
	collector_release(&c);
}
END_TEST

/*
 * A long run of many events: the series stays within TIMELINE_MAX points
 * and at least half of them, in equal steps, and a peak that lasted one
 * tick stays its highest point, in the interval that holds its time.
 */
START_TEST(test_timeline_bounded)
{
	struct collector c, child;
	uint64_t t, step, hi = 0, i;
	size_t n, k, at = 0;

	collector_init(&c);
	for (i = 0, t = 0; i < 200000; i++, t += 1 + i % 7919) {
		ALLOC(&c, 0x1000 + (i % 64) * 64, 100 + i % 300, t, stack_a);
		if (i == 123457) {
			ALLOC(&c, 0x90000, 1 << 20, t, stack_b);
			FREE(&c, 0x90000, t + 1);
		}
		FREE(&c, 0x1000 + ((i + 32) % 64) * 64, t);
		if (i == 1000)
			collector_copy(&child, &c);
	}
	collector_finish(&c, t);
	n = c.npoints;
	ck_assert_uint_le(n, TIMELINE_MAX);
	ck_assert_uint_ge(n, TIMELINE_MAX / 2);
	step = c.timeline.pts[1].time;
	for (k = 0; k < n; k++) {
		ck_assert_uint_eq(c.timeline.pts[k].time, k * step);
		ck_assert_uint_le(c.timeline.pts[k].lo, c.timeline.pts[k].hi);
		if (c.timeline.pts[k].hi > hi) {
			hi = c.timeline.pts[k].hi;
			at = k;
		}
	}
	ck_assert_uint_eq(hi, c.peak_bytes);
	ck_assert_uint_ge(c.peak_bytes, 1 << 20);
	ck_assert_uint_eq(c.peak_time / step, at);
	ck_assert_uint_ge(c.timeline.pts[n - 1].hi, c.end_bytes);
	ck_assert_uint_le(c.timeline.pts[n - 1].lo, c.end_bytes);

	/* The copy made early has a series of its own. */
	collector_finish(&child, 5000);
	ck_assert_uint_lt(child.timeline.pts[child.npoints - 1].hi, 1 << 20);
	ck_assert_ptr_ne(child.timeline.pts, c.timeline.pts);
	collector_release(&child);
	collector_release(&c);
}
END_TEST

/*
 * Stack ids: an event names a stack the agent defined before; two ids with
 * the same frames are one site, also with a stack sent inline; an id never
 * defined is refused (it ends the stream), and an id defined again names
 * new frames.
 */
START_TEST(test_stack_ids)
{
	struct collector c;

	collector_init(&c);
	stack_rec(&c, 7, stack_a, NF(stack_a));
	alloc_id(&c, 0x100, 10, 1, 7);			/* site 0 */
	stack_rec(&c, 3, stack_a, NF(stack_a));		/* the same frames */
	alloc_id(&c, 0x200, 20, 2, 3);
	ALLOC(&c, 0x300, 40, 3, stack_a);
	ck_assert_int_eq(alloc_id(&c, 0x400, 80, 4, 9), -1); /* undefined */
	ck_assert_int_eq(alloc_id(&c, 0x500, 80, 5, 0), -1);
	stack_rec(&c, 7, stack_b, NF(stack_b));		/* site 1 */
	alloc_id(&c, 0x600, 160, 6, 7);
	FREE(&c, 0x100, 7);
	collector_finish(&c, 10);

	ck_assert_uint_eq(c.stacks.nstacks, 2);
	ck_assert_uint_eq(c.sites[0].st[STATS_OWN].tb, 70);
	ck_assert_uint_eq(c.sites[0].st[STATS_OWN].tbk, 3);
	ck_assert_uint_eq(c.sites[1].st[STATS_OWN].tb, 160);
	ck_assert_uint_eq(c.events, 8);
	ck_assert_uint_eq(c.anomalies.bad_record, 0);
	ck_assert_uint_eq(c.anomalies.unknown_free, 0);
	collector_release(&c);
}
END_TEST

/* An end time before the last event (clock skew) must not go backwards. */
START_TEST(test_end_before_last_event)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 8, 10, stack_a);
	ALLOC(&c, 0x200, 8, 40, stack_a);
	FREE(&c, 0x200, 70);
	collector_finish(&c, 5);
	ck_assert_uint_eq(c.end_time, 70);
	/* 0x100 lives 10..70, 0x200 lived 30. */
	expect_both(&c, 0, (struct prof_stats){ .tb = 16, .tbk = 2, .tl = 90,
	    .mb = 16, .mbk = 2, .gb = 16, .gbk = 2, .eb = 8, .ebk = 1 });
	collector_release(&c);
}
END_TEST

START_TEST(test_peak_attribution)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);	/* A: curr 100 */
	ALLOC(&c, 0x200, 50, 2, stack_b);	/* B: curr 150, the peak */
	FREE(&c, 0x100, 3);			/* curr 50 */
	ALLOC(&c, 0x300, 60, 4, stack_b);	/* curr 110 < 150 */
	collector_finish(&c, 10);

	ck_assert_uint_eq(c.peak_bytes, 150);
	ck_assert_uint_eq(c.peak_blocks, 2);
	ck_assert_uint_eq(c.peak_time, 2);
	ck_assert_uint_eq(c.total_bytes, 210);
	ck_assert_uint_eq(c.total_blocks, 3);
	ck_assert_uint_eq(c.end_bytes, 110);
	ck_assert_uint_eq(c.end_blocks, 2);
	/* At the peak A held 100 though it holds nothing at the end. */
	expect_both(&c, 0, (struct prof_stats){ .tb = 100, .tbk = 1, .tl = 2,
	    .mb = 100, .mbk = 1, .gb = 100, .gbk = 1, .eb = 0, .ebk = 0 });
	/*
	 * B's own maximum (110, after the peak) is not what it held at the
	 * peak (50).  tl: (10 - 2) + (10 - 4).
	 */
	expect_both(&c, 1, (struct prof_stats){ .tb = 110, .tbk = 2, .tl = 14,
	    .mb = 110, .mbk = 2, .gb = 50, .gbk = 1, .eb = 110, .ebk = 2 });
	collector_release(&c);
}
END_TEST

START_TEST(test_higher_peak_replaces)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	ALLOC(&c, 0x200, 50, 2, stack_b);	/* first peak, 150 */
	FREE(&c, 0x100, 3);
	ALLOC(&c, 0x300, 60, 4, stack_b);	/* 110 */
	ALLOC(&c, 0x400, 200, 5, stack_a);	/* 310: the new peak */
	FREE(&c, 0x400, 6);			/* 110 */
	collector_finish(&c, 10);

	ck_assert_uint_eq(c.peak_bytes, 310);
	ck_assert_uint_eq(c.peak_blocks, 3);
	ck_assert_uint_eq(c.peak_time, 5);
	ck_assert_uint_eq(c.end_bytes, 110);
	ck_assert_uint_eq(c.end_blocks, 2);
	/* At t=5 A held only the 200 block (the 100 one was gone). */
	expect_both(&c, 0, (struct prof_stats){ .tb = 300, .tbk = 2, .tl = 3,
	    .mb = 200, .mbk = 1, .gb = 200, .gbk = 1, .eb = 0, .ebk = 0 });
	/* B, untouched since before the new peak, held both its blocks. */
	expect_both(&c, 1, (struct prof_stats){ .tb = 110, .tbk = 2, .tl = 14,
	    .mb = 110, .mbk = 2, .gb = 110, .gbk = 2, .eb = 110, .ebk = 2 });
	collector_release(&c);
}
END_TEST

/*
 * t-gmax is the last moment at the maximum, as in DHAT: equalling the
 * peak moves it, and with it what each site held "at the peak".
 */
START_TEST(test_equal_peak_moves_later)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	FREE(&c, 0x100, 2);
	ALLOC(&c, 0x200, 100, 3, stack_b);
	ALLOC(&c, 0x300, 10, 4, stack_a);	/* a new maximum, 110 */
	FREE(&c, 0x300, 5);
	ALLOC(&c, 0x400, 10, 6, stack_b);	/* 110 again, later */
	collector_finish(&c, 8);

	ck_assert_uint_eq(c.peak_bytes, 110);
	ck_assert_uint_eq(c.peak_blocks, 2);
	ck_assert_uint_eq(c.peak_time, 6);
	/* A's 10 bytes were live at t=4 but not at t=6.  tl: 1 + 1. */
	expect_both(&c, 0, (struct prof_stats){ .tb = 110, .tbk = 2, .tl = 2,
	    .mb = 100, .mbk = 1, .gb = 0, .gbk = 0, .eb = 0, .ebk = 0 });
	/* tl: (8 - 3) + (8 - 6). */
	expect_both(&c, 1, (struct prof_stats){ .tb = 110, .tbk = 2, .tl = 7,
	    .mb = 110, .mbk = 2, .gb = 110, .gbk = 2, .eb = 110, .ebk = 2 });
	collector_release(&c);
}
END_TEST

/*
 * realloc of A's 100-byte block to 200 bytes from stack R.  own: the old
 * block ends at A, a new one starts at R.  dhat: both are A's, R gets
 * nothing.  The peak is the 200 bytes at t=30.
 */
START_TEST(test_realloc_conventions)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 10, stack_a);		/* site 0 */
	REALLOC(&c, 0x100, 0x200, 200, 30, stack_r);	/* site 1 */
	collector_finish(&c, 50);

	ck_assert_uint_eq(c.stacks.nstacks, 2);
	ck_assert_uint_eq(c.total_bytes, 300);
	ck_assert_uint_eq(c.total_blocks, 2);
	ck_assert_uint_eq(c.peak_bytes, 200);
	ck_assert_uint_eq(c.peak_blocks, 1);
	ck_assert_uint_eq(c.peak_time, 30);
	ck_assert_uint_eq(c.end_bytes, 200);
	ck_assert_uint_eq(c.end_blocks, 1);

	expect_site(&c, 0, STATS_OWN, (struct prof_stats){ .tb = 100, .tbk = 1,
	    .tl = 20, .mb = 100, .mbk = 1, .gb = 0, .gbk = 0, .eb = 0,
	    .ebk = 0 });
	expect_site(&c, 1, STATS_OWN, (struct prof_stats){ .tb = 200, .tbk = 1,
	    .tl = 20, .mb = 200, .mbk = 1, .gb = 200, .gbk = 1, .eb = 200,
	    .ebk = 1 });
	/* tl: 20 for the old block, 20 for the new one until the end. */
	expect_site(&c, 0, STATS_DHAT, (struct prof_stats){ .tb = 300, .tbk = 2,
	    .tl = 40, .mb = 200, .mbk = 1, .gb = 200, .gbk = 1, .eb = 200,
	    .ebk = 1 });
	expect_site(&c, 1, STATS_DHAT, (struct prof_stats){ 0 });
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

/* Under dhat a chain of reallocs stays with the first allocation. */
START_TEST(test_realloc_chain)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 16, 0, stack_a);
	REALLOC(&c, 0x100, 0x100, 32, 1, stack_r);	/* in place */
	REALLOC(&c, 0x100, 0x200, 64, 2, stack_r);
	FREE(&c, 0x200, 3);
	collector_finish(&c, 3);

	ck_assert_uint_eq(c.total_bytes, 112);
	ck_assert_uint_eq(c.total_blocks, 3);
	ck_assert_uint_eq(c.peak_bytes, 64);
	ck_assert_uint_eq(c.peak_blocks, 1);
	ck_assert_uint_eq(c.peak_time, 2);
	ck_assert_uint_eq(c.end_bytes, 0);
	ck_assert_uint_eq(c.end_blocks, 0);
	ck_assert_uint_eq(c.live.count, 0);
	expect_site(&c, 0, STATS_OWN, (struct prof_stats){ .tb = 16, .tbk = 1,
	    .tl = 1, .mb = 16, .mbk = 1 });
	expect_site(&c, 1, STATS_OWN, (struct prof_stats){ .tb = 96, .tbk = 2,
	    .tl = 2, .mb = 64, .mbk = 1, .gb = 64, .gbk = 1 });
	expect_site(&c, 0, STATS_DHAT, (struct prof_stats){ .tb = 112, .tbk = 3,
	    .tl = 3, .mb = 64, .mbk = 1, .gb = 64, .gbk = 1 });
	expect_site(&c, 1, STATS_DHAT, (struct prof_stats){ 0 });
	/* Resizing in place is not an allocation over a live block. */
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

START_TEST(test_realloc_failed)
{
	struct collector c;
	struct live_block *b;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	realloc_rec(&c, 0x100, 0, 500, 2, stack_r, NF(stack_r),
	    HP_RECF_FAILED);

	ck_assert_uint_eq(c.stacks.nstacks, 1);
	ck_assert_uint_eq(c.total_bytes, 100);
	ck_assert_uint_eq(c.total_blocks, 1);
	ck_assert_uint_eq(c.curr_bytes, 100);
	ck_assert_uint_eq(c.curr_blocks, 1);
	b = livetab_find(&c.live, 0x100);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->size, 100);
	ck_assert_uint_eq(b->birth, 1);
	/* The old block is still A's and can be freed normally. */
	FREE(&c, 0x100, 4);
	collector_finish(&c, 4);
	expect_both(&c, 0, (struct prof_stats){ .tb = 100, .tbk = 1, .tl = 3,
	    .mb = 100, .mbk = 1, .gb = 100, .gbk = 1 });
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

/* realloc(p, 0) returning NULL freed p and allocated nothing. */
START_TEST(test_realloc_to_zero)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	REALLOC(&c, 0x100, 0, 0, 4, stack_r);
	collector_finish(&c, 10);

	ck_assert_uint_eq(c.total_bytes, 100);
	ck_assert_uint_eq(c.total_blocks, 1);
	ck_assert_uint_eq(c.end_bytes, 0);
	ck_assert_uint_eq(c.end_blocks, 0);
	ck_assert_uint_eq(c.live.count, 0);
	ck_assert_ptr_null(livetab_find(&c.live, 0x100));
	expect_both(&c, 0, (struct prof_stats){ .tb = 100, .tbk = 1, .tl = 3,
	    .mb = 100, .mbk = 1, .gb = 100, .gbk = 1 });
	expect_both(&c, 1, (struct prof_stats){ 0 });
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

START_TEST(test_hello_and_modules)
{
	static const char path[] = "/usr/lib/libc.so.6";
	struct hp_rec_module *m = (struct hp_rec_module *)(void *)recbuf;
	struct hp_rec_hello *h = (struct hp_rec_hello *)(void *)recbuf;
	struct collector c;

	collector_init(&c);
	memset(recbuf, 0, sizeof recbuf);
	h->hdr.len = sizeof *h;
	h->hdr.type = HP_REC_HELLO;
	h->pid = 777;
	collector_record(&c, &h->hdr);
	/* A later HELLO (an exec'd child) does not change whose run it is. */
	h->pid = 888;
	collector_record(&c, &h->hdr);
	ck_assert_uint_eq(c.pid, 777);

	memset(recbuf, 0, sizeof recbuf);
	m->hdr.len = (uint32_t)HP_ALIGN8(sizeof *m + sizeof path - 1);
	m->hdr.type = HP_REC_MODULE;
	m->bias = 0x7f0000000000;
	m->lo = 0x7f0000001000;
	m->hi = 0x7f0000200000;
	m->path_len = sizeof path - 1;
	memcpy(m + 1, path, sizeof path - 1);
	collector_record(&c, &m->hdr);
	/* The agent resends its list after a dlopen: no duplicates. */
	collector_record(&c, &m->hdr);
	ck_assert_uint_eq(c.nmodules, 1);
	ck_assert_str_eq(c.modules[0].path, path);
	ck_assert_uint_eq(c.modules[0].bias, 0x7f0000000000);
	ck_assert_uint_eq(c.modules[0].lo, 0x7f0000001000);
	ck_assert_uint_eq(c.modules[0].hi, 0x7f0000200000);
	/* Same path mapped elsewhere (dlclose + dlopen) is a new module. */
	m->bias += 0x100000;
	m->lo += 0x100000;
	collector_record(&c, &m->hdr);
	ck_assert_uint_eq(c.nmodules, 2);
	ck_assert_uint_eq(c.modules[1].bias, 0x7f0000100000);
	ck_assert_uint_eq(c.events, 5);
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

static void
module_rec(struct collector *c, uint64_t lo, uint64_t hi, const char *path,
    uint16_t flags)
{
	struct hp_rec_module *m = (struct hp_rec_module *)(void *)recbuf;
	size_t n = strlen(path);

	memset(recbuf, 0, sizeof recbuf);
	m->hdr.len = (uint32_t)HP_ALIGN8(sizeof *m + n);
	m->hdr.type = HP_REC_MODULE;
	m->hdr.flags = flags;
	m->bias = lo;
	m->lo = lo;
	m->hi = hi;
	m->path_len = (uint32_t)n;
	memcpy(m + 1, path, n);
	collector_record(c, &m->hdr);
}

/*
 * A library unloaded and another loaded at its addresses: each stack is
 * resolved against the object loaded when it was first seen, and a stack
 * seen inside dlopen (a constructor), before its object was announced,
 * against the object announced next.
 */
START_TEST(test_module_lifetimes)
{
	static const uint64_t in_lib[] = { 0x7f0000001100 };
	static const uint64_t ctor[] = { 0x7f0000001200, 0x401010 };
	const struct module *m;
	struct collector c;
	size_t mi = 99;

	collector_init(&c);
	module_rec(&c, 0x7f0000000000, 0x7f0000010000, "/lib/first.so", 0);
	ALLOC(&c, 0x1000, 8, 10, in_lib);	/* site 0 */
	module_rec(&c, 0x7f0000000000, 0, "", HP_RECF_UNLOADED);
	ck_assert_uint_ne(c.modules[0].unload_event, UINT64_MAX);
	ALLOC(&c, 0x2000, 8, 20, ctor);		/* site 1, before its object */
	module_rec(&c, 0x7f0000000000, 0x7f0000010000, "/lib/second.so", 0);
	ck_assert_uint_eq(c.nmodules, 2);

	m = collector_module_at(&c, in_lib[0], c.sites[0].first_event, &mi);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->path, "/lib/first.so");
	ck_assert_uint_eq(mi, 0);
	m = collector_module_at(&c, ctor[0], c.sites[1].first_event, &mi);
	ck_assert_ptr_nonnull(m);
	ck_assert_str_eq(m->path, "/lib/second.so");
	ck_assert_uint_eq(mi, 1);
	ck_assert_ptr_null(collector_module_at(&c, ctor[1],
	    c.sites[1].first_event, &mi));
	expect_no_anomalies(&c);
	collector_release(&c);
}
END_TEST

/* A copy (a forked child's start) goes on independently of the original. */
START_TEST(test_copy_is_independent)
{
	struct collector c, child;

	collector_init(&c);
	module_rec(&c, 0x7f0000000000, 0x7f0000010000, "/lib/a.so", 0);
	ALLOC(&c, 0x1000, 100, 10, stack_a);
	ALLOC(&c, 0x2000, 50, 20, stack_b);
	stack_rec(&c, 5, stack_b, NF(stack_b));
	collector_copy(&child, &c);

	FREE(&child, 0x1000, 30);		/* inherited, freed in the child */
	ALLOC(&child, 0x3000, 300, 40, stack_a);
	ALLOC(&c, 0x4000, 7, 40, stack_r);	/* the parent's own */
	stack_rec(&c, 5, stack_r, NF(stack_r));	/* the parent's id 5 changes */
	alloc_id(&child, 0x5000, 1000, 45, 5);	/* the child's is still b */
	collector_finish(&child, 50);
	collector_finish(&c, 50);

	ck_assert_uint_eq(child.total_bytes, 1450);
	ck_assert_uint_eq(child.end_bytes, 1350);
	ck_assert_uint_eq(child.sites[1].st[STATS_OWN].tb, 1050);
	ck_assert_uint_eq(child.stacks.nstacks, 2);
	ck_assert_uint_eq(c.total_bytes, 157);
	ck_assert_uint_eq(c.end_bytes, 157);
	ck_assert_uint_eq(c.stacks.nstacks, 3);
	ck_assert_uint_eq(c.sites[0].st[STATS_OWN].tbk, 1);
	ck_assert_uint_eq(child.sites[0].st[STATS_OWN].tbk, 2);
	ck_assert_str_eq(child.modules[0].path, "/lib/a.so");
	ck_assert_ptr_ne(child.modules[0].path, c.modules[0].path);
	expect_no_anomalies(&child);
	expect_no_anomalies(&c);
	collector_release(&child);
	collector_release(&c);
}
END_TEST

/* --- anomalies ---------------------------------------------------------- */

START_TEST(test_unknown_free)
{
	struct collector c;

	collector_init(&c);
	FREE(&c, 0x999, 1);
	ck_assert_uint_eq(c.anomalies.unknown_free, 1);
	ALLOC(&c, 0x100, 10, 2, stack_a);
	FREE(&c, 0x100, 3);
	FREE(&c, 0x100, 4);			/* a double free */
	ck_assert_uint_eq(c.anomalies.unknown_free, 2);
	collector_finish(&c, 5);
	ck_assert_uint_eq(c.curr_bytes, 0);
	ck_assert_uint_eq(c.curr_blocks, 0);
	ck_assert_uint_eq(c.end_bytes, 0);
	ck_assert_uint_eq(c.total_blocks, 1);
	expect_both(&c, 0, (struct prof_stats){ .tb = 10, .tbk = 1, .tl = 1,
	    .mb = 10, .mbk = 1, .gb = 10, .gbk = 1 });
	ck_assert_uint_eq(c.anomalies.live_realloc, 0);
	ck_assert_uint_eq(c.anomalies.bad_record, 0);
	collector_release(&c);
}
END_TEST

/* A block whose free we missed ends where its address is reused. */
START_TEST(test_alloc_at_live_address)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 100, 1, stack_a);
	ALLOC(&c, 0x100, 40, 5, stack_b);
	collector_finish(&c, 9);

	ck_assert_uint_eq(c.anomalies.live_realloc, 1);
	ck_assert_uint_eq(c.anomalies.unknown_free, 0);
	ck_assert_uint_eq(c.total_bytes, 140);
	ck_assert_uint_eq(c.total_blocks, 2);
	ck_assert_uint_eq(c.peak_bytes, 100);
	ck_assert_uint_eq(c.peak_time, 1);
	ck_assert_uint_eq(c.end_bytes, 40);
	ck_assert_uint_eq(c.end_blocks, 1);
	expect_both(&c, 0, (struct prof_stats){ .tb = 100, .tbk = 1, .tl = 4,
	    .mb = 100, .mbk = 1, .gb = 100, .gbk = 1 });
	expect_both(&c, 1, (struct prof_stats){ .tb = 40, .tbk = 1, .tl = 4,
	    .mb = 40, .mbk = 1, .eb = 40, .ebk = 1 });
	collector_release(&c);
}
END_TEST

/* realloc of a block we never saw: charged to the realloc under both. */
START_TEST(test_unknown_realloc)
{
	struct collector c;

	collector_init(&c);
	REALLOC(&c, 0x500, 0x600, 64, 2, stack_r);
	collector_finish(&c, 6);
	ck_assert_uint_eq(c.anomalies.unknown_realloc, 1);
	ck_assert_uint_eq(c.total_bytes, 64);
	expect_both(&c, 0, (struct prof_stats){ .tb = 64, .tbk = 1, .tl = 4,
	    .mb = 64, .mbk = 1, .gb = 64, .gbk = 1, .eb = 64, .ebk = 1 });
	collector_release(&c);
}
END_TEST

static void
expect_untouched(const struct collector *c)
{
	ck_assert_uint_eq(c->stacks.nstacks, 0);
	ck_assert_uint_eq(c->total_bytes, 0);
	ck_assert_uint_eq(c->total_blocks, 0);
	ck_assert_uint_eq(c->curr_bytes, 0);
	ck_assert_uint_eq(c->live.count, 0);
}

/*
 * Records the agent cannot have written are refused, unread, with -1 (the
 * ring then ends the stream): the collector is left as it was.
 */
static void
expect_refused(struct collector *c, const struct hp_rec *rec)
{
	uint64_t events = c->events, blocks = c->total_blocks;
	size_t nmodules = c->nmodules, nstacks = c->stacks.nstacks;

	ck_assert_int_eq(collector_record(c, rec), -1);
	ck_assert_uint_eq(c->events, events);
	ck_assert_uint_eq(c->total_blocks, blocks);
	ck_assert_uint_eq(c->nmodules, nmodules);
	ck_assert_uint_eq(c->stacks.nstacks, nstacks);
}

START_TEST(test_bad_records)
{
	struct hp_rec_alloc *a = (struct hp_rec_alloc *)(void *)recbuf;
	struct hp_rec_module *m = (struct hp_rec_module *)(void *)recbuf;
	struct hp_rec_stack *st = (struct hp_rec_stack *)(void *)recbuf;
	struct collector c;
	uint64_t frames[HP_MAX_FRAMES + 1];
	uint32_t i;

	collector_init(&c);

	/* A FREE record shorter or longer than it is. */
	memset(recbuf, 0, sizeof recbuf);
	a->hdr.len = sizeof(struct hp_rec);
	a->hdr.type = HP_REC_FREE;
	expect_refused(&c, &a->hdr);
	a->hdr.len = sizeof(struct hp_rec_free) + 8;
	expect_refused(&c, &a->hdr);
	ck_assert_uint_eq(c.anomalies.unknown_free, 0);

	/* nframes says 3 but the record holds only 2, or 4. */
	memset(recbuf, 0, sizeof recbuf);
	a->hdr.len = sizeof *a + 2 * sizeof(uint64_t);
	a->hdr.type = HP_REC_ALLOC;
	a->addr = 0x100;
	a->size = 10;
	a->nframes = 3;
	expect_refused(&c, &a->hdr);
	a->hdr.len = sizeof *a + 4 * sizeof(uint64_t);
	expect_refused(&c, &a->hdr);
	/* Huge nframes: the length it implies wraps in 32 bits. */
	a->nframes = 0x20000000u;
	a->hdr.len = sizeof *a;
	expect_refused(&c, &a->hdr);
	a->nframes = UINT32_MAX;
	expect_refused(&c, &a->hdr);
	expect_untouched(&c);

	/* A length that fits but more frames than the agent ever sends. */
	for (i = 0; i <= HP_MAX_FRAMES; i++)
		frames[i] = 0x1000 + i;
	ck_assert_int_eq(alloc_rec(&c, 0x100, 10, 1, frames,
	    HP_MAX_FRAMES + 1, 0, 0), -1);
	expect_untouched(&c);
	/* The limit itself is fine. */
	ck_assert_int_eq(alloc_rec(&c, 0x100, 10, 1, frames, HP_MAX_FRAMES,
	    HP_RECF_TRUNCATED, 0), 0);
	ck_assert_uint_eq(c.total_blocks, 1);
	ck_assert_uint_eq(c.stacks.stacks[0].n, HP_MAX_FRAMES);
	ck_assert_uint_eq(c.stacks.stacks[0].truncated, 1);

	/* Frames and a stack id at once; an id with frames after it. */
	ck_assert_int_eq(alloc_rec(&c, 0x300, 10, 1, frames, 2, 0, 5), -1);
	ck_assert_int_eq(alloc_rec(&c, 0x300, 10, 1, frames, 2,
	    HP_RECF_STACK_ID, 0), -1);

	/* A bad realloc must leave the block it names alone. */
	ck_assert_int_eq(realloc_rec(&c, 0x100, 0x200, 20, 2, frames,
	    HP_MAX_FRAMES + 1, 0), -1);
	ck_assert_ptr_nonnull(livetab_find(&c.live, 0x100));
	ck_assert_ptr_null(livetab_find(&c.live, 0x200));
	ck_assert_uint_eq(c.curr_bytes, 10);

	/* Stack ids: 0, beyond the limit, or frames that do not fit. */
	ck_assert_int_eq(stack_rec(&c, 0, frames, 2), -1);
	ck_assert_int_eq(stack_rec(&c, HP_STACK_ID_LIMIT, frames, 2), -1);
	ck_assert_int_eq(stack_rec(&c, UINT32_MAX, frames, 2), -1);
	ck_assert_int_eq(stack_rec(&c, 4, frames, HP_MAX_FRAMES + 1), -1);
	memset(recbuf, 0, sizeof recbuf);
	st->hdr.len = sizeof *st;
	st->hdr.type = HP_REC_STACK;
	st->id = 4;
	st->nframes = UINT32_MAX;
	expect_refused(&c, &st->hdr);
	ck_assert_uint_eq(c.id_sites_cap <= HP_STACK_ID_LIMIT, 1);

	/* A module whose path runs past its record, or stops short of it. */
	memset(recbuf, 0, sizeof recbuf);
	m->hdr.len = sizeof *m + 8;
	m->hdr.type = HP_REC_MODULE;
	m->path_len = 9;
	memcpy(m + 1, "/lib/x.so", 9);
	expect_refused(&c, &m->hdr);
	m->path_len = UINT32_MAX;
	expect_refused(&c, &m->hdr);
	m->hdr.len = sizeof *m + 16;
	m->path_len = 8;
	expect_refused(&c, &m->hdr);
	ck_assert_uint_eq(c.nmodules, 0);

	/* HELLO and FORK have one size. */
	memset(recbuf, 0, sizeof recbuf);
	a->hdr.type = HP_REC_HELLO;
	a->hdr.len = sizeof(struct hp_rec_hello) + 8;
	expect_refused(&c, &a->hdr);
	a->hdr.type = HP_REC_FORK;
	a->hdr.len = sizeof(struct hp_rec);
	expect_refused(&c, &a->hdr);

	/* PAD never reaches the collector; an unknown type is bad too. */
	memset(recbuf, 0, sizeof recbuf);
	a->hdr.len = 16;
	a->hdr.type = HP_REC_PAD;
	expect_refused(&c, &a->hdr);
	a->hdr.type = 99;
	expect_refused(&c, &a->hdr);
	a->hdr.type = 0;
	expect_refused(&c, &a->hdr);
	ck_assert_uint_eq(c.total_blocks, 1);
	ck_assert_uint_eq(c.anomalies.unknown_free, 0);
	ck_assert_uint_eq(c.anomalies.unknown_realloc, 0);
	ck_assert_uint_eq(c.anomalies.live_realloc, 0);
	ck_assert_uint_eq(c.anomalies.bad_record, 0);
	collector_release(&c);
}
END_TEST

/*
 * Through the ring: a record the collector refuses ends the stream there,
 * and the loss is counted once, however often the ring is drained again.
 */
START_TEST(test_refused_ends_stream)
{
	struct hp_rec_alloc *a;
	struct hp_rec_free *f;
	struct collector c;
	struct ring r;
	uint64_t at;

	collector_init(&c);
	ck_assert_int_eq(ring_create(&r, 65536), 0);
	f = ring_reserve(&r, sizeof *f);
	f->addr = 0x100;
	ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);
	a = ring_reserve(&r, sizeof *a);
	a->addr = 0x200;
	a->size = 8;
	a->nframes = UINT32_MAX;	/* with no frames after it */
	ring_publish(&r, a, sizeof *a, HP_REC_ALLOC, 0);
	f = ring_reserve(&r, sizeof *f);
	f->addr = 0x300;
	ring_publish(&r, f, sizeof *f, HP_REC_FREE, 0);

	ck_assert_uint_eq(ring_drain(&r, collector_record, &c), 1);
	ck_assert_int_eq(ring_broken(&r, &at), 1);
	ck_assert_uint_eq(at, sizeof *f);
	ck_assert_uint_eq(c.events, 1);
	ck_assert_uint_eq(c.anomalies.unknown_free, 1);
	ck_assert_uint_eq(c.total_blocks, 0);
	collector_check_ring(&c, &r);
	ck_assert_uint_eq(ring_drain(&r, collector_record, &c), 0);
	collector_check_ring(&c, &r);
	ck_assert_uint_eq(c.anomalies.bad_record, 1);
	ck_assert_uint_eq(c.events, 1);
	ring_unmap(&r);
	collector_release(&c);
}
END_TEST
/* heapprof_stats(3): answered at the query's place in the stream. */
static void
query_rec(struct collector *c, uint32_t slot, uint64_t token)
{
	struct hp_rec_query *q = (struct hp_rec_query *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	q->hdr.len = sizeof *q;
	q->hdr.type = HP_REC_QUERY;
	q->slot = slot;
	q->token = token;
	ck_assert_int_eq(collector_record(c, &q->hdr), 0);
}

START_TEST(test_query_answered)
{
	struct hp_answer *a;
	struct collector c;
	struct ring r;
	uint64_t events;

	ck_assert_int_eq(ring_create(&r, 65536), 0);
	collector_init(&c);
	/* No ring to answer into: nothing happens. */
	query_rec(&c, 0, 1);
	c.ring = &r;
	ck_assert_int_eq(alloc_rec(&c, 0x1000, 100, 1, stack_a, NF(stack_a),
	    0, 0), 0);
	ck_assert_int_eq(alloc_rec(&c, 0x2000, 50, 2, stack_b, NF(stack_b),
	    0, 0), 0);
	ck_assert_int_eq(free_rec(&c, 0x1000, 3), 0);
	events = c.events;
	query_rec(&c, 3, 7);
	/* Later events change nothing already answered. */
	ck_assert_int_eq(alloc_rec(&c, 0x3000, 10, 4, stack_a, NF(stack_a),
	    0, 0), 0);
	a = &r.hdr->answers[3];
	ck_assert_uint_eq(a->token, 7);
	ck_assert_uint_eq(a->values[HP_STAT_TOTAL_BLOCKS], 2);
	ck_assert_uint_eq(a->values[HP_STAT_TOTAL_BYTES], 150);
	ck_assert_uint_eq(a->values[HP_STAT_CURR_BLOCKS], 1);
	ck_assert_uint_eq(a->values[HP_STAT_CURR_BYTES], 50);
	ck_assert_uint_eq(a->values[HP_STAT_MAX_BLOCKS], 2);
	ck_assert_uint_eq(a->values[HP_STAT_MAX_BYTES], 150);
	ck_assert_uint_eq(r.hdr->answer_seq, 1);
	/* A query is no event; a slot out of range is not written. */
	ck_assert_uint_eq(c.events, events + 1);
	query_rec(&c, HP_ANSWER_SLOTS, 8);
	ck_assert_uint_eq(r.hdr->answer_seq, 1);
	collector_release(&c);
	ring_unmap(&r);
}
END_TEST

static int
assert_rec(struct collector *c, const char *text, uint32_t claimed)
{
	struct hp_rec_assert *as = (struct hp_rec_assert *)(void *)recbuf;
	size_t n = strlen(text);

	memset(recbuf, 0, sizeof recbuf);
	as->hdr.len = (uint32_t)HP_ALIGN8(sizeof *as + n);
	as->hdr.type = HP_REC_ASSERT;
	as->text_len = claimed;
	memcpy(as + 1, text, n);
	return collector_record(c, &as->hdr);
}

START_TEST(test_assert_texts)
{
	struct collector c, copy;
	int i;

	collector_init(&c);
	ck_assert_int_eq(assert_rec(&c, "t.c:1: x", 8), 0);
	/* Control characters from the program are not passed on. */
	ck_assert_int_eq(assert_rec(&c, "t.c:2: \033[2J\n", 12), 0);
	ck_assert_uint_eq(c.failed_asserts, 2);
	ck_assert_uint_eq(c.nfailures, 2);
	ck_assert_str_eq(c.failures[0], "t.c:1: x");
	ck_assert_str_eq(c.failures[1], "t.c:2: ?[2J?");
	ck_assert_uint_eq(c.events, 0);
	/* A length the record does not hold is refused. */
	ck_assert_int_eq(assert_rec(&c, "abc", 9), -1);
	ck_assert_int_eq(assert_rec(&c, "abc", HP_ASSERT_MAX + 1), -1);
	ck_assert_uint_eq(c.failed_asserts, 2);
	/* Counted all, kept the first ones. */
	for (i = 0; i < COLLECT_MAX_FAILURES + 5; i++)
		ck_assert_int_eq(assert_rec(&c, "more", 4), 0);
	ck_assert_uint_eq(c.failed_asserts, COLLECT_MAX_FAILURES + 7);
	ck_assert_uint_eq(c.nfailures, COLLECT_MAX_FAILURES);
	/* A forked child's profile does not inherit its parent's verdict. */
	collector_copy(&copy, &c);
	ck_assert_uint_eq(copy.failed_asserts, 0);
	ck_assert_uint_eq(copy.nfailures, 0);
	collector_release(&copy);
	collector_release(&c);
}
END_TEST

/* heapprof_ad_hoc(3): frames inline, or a stack id, as for an allocation. */
static int
ad_hoc_rec(struct collector *c, uint64_t weight, const uint64_t *frames,
    uint32_t n, uint16_t flags, uint32_t stack, uint32_t len_extra)
{
	struct hp_rec_ad_hoc *e = (struct hp_rec_ad_hoc *)(void *)recbuf;

	memset(recbuf, 0, sizeof recbuf);
	e->hdr.len = (uint32_t)(sizeof *e + n * sizeof *frames) + len_extra;
	e->hdr.type = HP_REC_AD_HOC;
	e->hdr.flags = flags;
	e->weight = weight;
	e->time = 5;
	e->nframes = n;
	e->stack = stack;
	if (n > 0)
		memcpy(e + 1, frames, n * sizeof *frames);
	return collector_record(c, &e->hdr);
}

START_TEST(test_ad_hoc_events)
{
	struct collector c;

	collector_init(&c);
	ALLOC(&c, 0x100, 10, 1, stack_a);			/* site 0 */
	ck_assert_int_eq(ad_hoc_rec(&c, 7, stack_a, NF(stack_a), 0, 0, 0), 0);
	ck_assert_int_eq(ad_hoc_rec(&c, 0, stack_b, NF(stack_b), 0, 0, 0), 0);
	stack_rec(&c, 4, stack_b, NF(stack_b));
	ck_assert_int_eq(ad_hoc_rec(&c, UINT64_MAX, NULL, 0,
	    HP_RECF_STACK_ID, 4, 0), 0);
	/* An undefined id, or frames the length does not hold: refused. */
	ck_assert_int_eq(ad_hoc_rec(&c, 1, NULL, 0, HP_RECF_STACK_ID, 9, 0),
	    -1);
	ck_assert_int_eq(ad_hoc_rec(&c, 1, stack_a, NF(stack_a), 0, 0, 8), -1);
	collector_finish(&c, 10);

	ck_assert_uint_eq(c.stacks.nstacks, 2);
	ck_assert_uint_eq(c.sites[0].ad_events, 1);
	ck_assert_uint_eq(c.sites[0].ad_weight, 7);
	ck_assert_uint_eq(c.sites[1].ad_events, 2);
	ck_assert_uint_eq(c.sites[1].ad_weight, UINT64_MAX);
	ck_assert_uint_eq(c.ad_events, 3);
	/* Weights add up modulo 2^64, as in DHAT. */
	ck_assert_uint_eq(c.ad_weight, 6);
	/* Beside the heap, which they do not change. */
	ck_assert_uint_eq(c.total_blocks, 1);
	ck_assert_uint_eq(c.total_bytes, 10);
	ck_assert_uint_eq(c.sites[1].st[STATS_OWN].tbk, 0);
	collector_release(&c);
}
END_TEST

Suite *
make_collect_suite(void)
{
	Suite *s = suite_create("collect");
	TCase *tc;

	tc = tcase_create("Core");
	tcase_add_test(tc, test_lifetimes);
	tcase_add_test(tc, test_time_scaled);
	tcase_add_test(tc, test_nested_counted);
	tcase_add_test(tc, test_distributions);
	tcase_add_test(tc, test_timeline_short);
	tcase_add_test(tc, test_timeline_bounded);
	tcase_add_test(tc, test_stack_ids);
	tcase_add_test(tc, test_end_before_last_event);
	tcase_add_test(tc, test_peak_attribution);
	tcase_add_test(tc, test_higher_peak_replaces);
	tcase_add_test(tc, test_equal_peak_moves_later);
	tcase_add_test(tc, test_realloc_conventions);
	tcase_add_test(tc, test_realloc_chain);
	tcase_add_test(tc, test_realloc_failed);
	tcase_add_test(tc, test_realloc_to_zero);
	tcase_add_test(tc, test_hello_and_modules);
	tcase_add_test(tc, test_module_lifetimes);
	tcase_add_test(tc, test_copy_is_independent);
	suite_add_tcase(s, tc);

	tc = tcase_create("Errors");
	tcase_add_test(tc, test_unknown_free);
	tcase_add_test(tc, test_alloc_at_live_address);
	tcase_add_test(tc, test_unknown_realloc);
	tcase_add_test(tc, test_bad_records);
	tcase_add_test(tc, test_refused_ends_stream);
	tcase_add_test(tc, test_query_answered);
	tcase_add_test(tc, test_assert_texts);
	tcase_add_test(tc, test_ad_hoc_events);
	suite_add_tcase(s, tc);
	return s;
}
