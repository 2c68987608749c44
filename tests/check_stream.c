/* SPDX-License-Identifier: MIT */
/*
 * check_stream.c - one process's stream (src/stream.c): a fork record
 * leaves a copy of the collector only where the stream has somewhere to
 * put it, a forked child starts from that copy, and the end of a stream
 * counts a record left reserved by a dead process, not by a live one.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "check_heapprof.h"
#include "ring.h"
#include "stream.h"
#include "wire.h"

#define RING_MIN	65536u

static void
publish_fork(struct ring *r, uint64_t token)
{
	struct hp_rec_fork *f = ring_reserve(r, sizeof *f);

	f->token = token;
	ring_publish(r, f, sizeof *f, HP_REC_FORK, 0);
}

static void
publish_free(struct ring *r, uint64_t addr, uint64_t time)
{
	struct hp_rec_free *f = ring_reserve(r, sizeof *f);

	f->addr = addr;
	f->time = time;
	ring_publish(r, f, sizeof *f, HP_REC_FREE, 0);
}

static void
open_stream(struct stream *s, pid_t pid)
{
	stream_init(s);
	ck_assert_int_eq(ring_create(&s->ring, RING_MIN), 0);
	stream_set_pid(s, pid);
	stream_begin(s, NULL);
}

START_TEST(test_fork_copies)
{
	struct fork_copies fc = { 0 };
	struct stream s, child;
	size_t i;

	open_stream(&s, 4242);
	ck_assert_int_eq(s.ring.pid, 4242);
	ck_assert_ptr_eq(s.c.ring, &s.ring);
	/* Without --children a fork is an event like any, and no more. */
	publish_fork(&s.ring, 7);
	publish_fork(&s.ring, 9);
	ck_assert_uint_eq(stream_drain(&s), 2);
	ck_assert_uint_eq(s.c.events, 2);
	s.forks = &fc;
	publish_fork(&s.ring, 11);
	ck_assert_uint_eq(stream_drain(&s), 1);
	ck_assert_uint_eq(fc.n, 1);
	ck_assert_uint_eq(fc.v[0].pid, 4242);
	ck_assert_uint_eq(fc.v[0].token, 11);
	ck_assert_uint_eq(fc.v[0].c.events, 3);

	/* The child takes the copy over: its own pid, its own ring. */
	stream_init(&child);
	ck_assert_int_eq(ring_create(&child.ring, RING_MIN), 0);
	stream_set_pid(&child, 4243);
	stream_begin(&child, &fc.v[0].c);
	ck_assert_uint_eq(child.c.events, 3);
	ck_assert_uint_eq(child.c.pid, 4243);
	ck_assert_ptr_eq(child.c.ring, &child.ring);
	ck_assert_uint_eq(fc.v[0].c.events, 0);
	publish_fork(&child.ring, 1);
	ck_assert_uint_eq(stream_drain(&child), 1);
	ck_assert_uint_eq(child.c.events, 4);
	ck_assert_uint_eq(s.c.events, 3);

	stream_release(&child);
	stream_release(&s);
	for (i = 0; i < fc.n; i++)
		collector_release(&fc.v[i].c);
	free(fc.v);
}
END_TEST

/*
 * Two records around one reserved and never published, then the end of
 * the stream: of a dead process, or of a live one given up on.
 */
static void
end_around_hole(struct stream *s, int alive)
{
	open_stream(s, 4242);
	publish_free(&s->ring, 100, 1);
	(void)ring_reserve(&s->ring, sizeof(struct hp_rec_free));
	publish_free(&s->ring, 200, 2);
	stream_end(s, alive);
	ck_assert_int_eq(s->c.finished, 1);
}

/* A dead process's reserved record is skipped, and counted, once. */
START_TEST(test_end_dead)
{
	struct stream s;

	end_around_hole(&s, 0);
	ck_assert_uint_eq(s.c.anomalies.bad_record, 1);
	ck_assert_uint_eq(s.c.events, 2);
	ck_assert_uint_eq(ring_pending(&s.ring), 0);
	stream_release(&s);
}
END_TEST

/* A live one may still publish it: not counted, nor what follows it. */
START_TEST(test_end_alive)
{
	struct stream s;

	end_around_hole(&s, 1);
	ck_assert_uint_eq(s.c.anomalies.bad_record, 0);
	ck_assert_uint_eq(s.c.events, 1);
	stream_release(&s);
}
END_TEST

Suite *
make_stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("Core");

	tcase_add_test(tc, test_fork_copies);
	tcase_add_test(tc, test_end_dead);
	tcase_add_test(tc, test_end_alive);
	suite_add_tcase(s, tc);
	return s;
}
