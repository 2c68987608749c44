/* SPDX-License-Identifier: MIT */
/*
 * stream.c - one process's events, from its ring to its finished
 * collector; the same for the target (session.c) and for each process of
 * its tree (children.c, --children).
 *
 * The plan this file carries out:
 *  - A struct stream holds what one process's profile is made of: the
 *    ring it writes, the collector that counts it, its pid, its start time
 *    and its command line.  The session has one for the target; the
 *    --children module one in each struct child_proc.
 *  - One drain (stream_drain) and one end-of-stream path (stream_end):
 *    the last records, abandoned ones counted as malformed, the ring's
 *    damage noted, the collector finished and its clock turned into ns.
 *    The session and the --children module used to write that sequence
 *    each on its own.
 *  - A fork record leaves a copy of the collector for the forked child
 *    only when the stream has somewhere to put it (s->forks, --children):
 *    the target's records no longer go through the --children module.
 *  - The pid is set once for the stream and its ring (stream_set_pid):
 *    the profile names it, and the ring asks whether its threads are
 *    stopped before it gives up on a hole.
 *  - session_run is start (checks, ring, fork and exec, with one failure
 *    ladder), the collection loop, and finish (profiles, budgets, exit).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "stream.h"
#include "xmalloc.h"

void
stream_init(struct stream *s)
{
	memset(s, 0, sizeof *s);
	s->ring.fd = -1;
}

void
stream_set_pid(struct stream *s, pid_t pid)
{
	s->pid = pid;
	s->ring.pid = pid;
}

void
stream_begin(struct stream *s, struct collector *from)
{
	if (from != NULL) {
		s->c = *from;
		memset(from, 0, sizeof *from);
		s->c.pid = (uint32_t)s->pid;
	} else {
		collector_init(&s->c);
	}
	s->c.ring = &s->ring;
}

/* A ring_record_fn: count rec, and at a fork keep a copy for the child. */
static int
stream_record(void *ctx, const struct hp_rec *rec)
{
	struct stream *s = ctx;
	const struct hp_rec_fork *f;
	struct fork_copies *fc = s->forks;
	struct fork_copy *copy;
	struct timespec ts;
	int rc;

	rc = collector_record(&s->c, rec);
	if (rc == 0 && fc != NULL && rec->type == HP_REC_FORK) {
		f = (const struct hp_rec_fork *)rec;
		fc->v = xgrow(fc->v, &fc->cap, fc->n + 1, sizeof *fc->v);
		copy = &fc->v[fc->n++];
		copy->pid = (uint32_t)s->pid;
		copy->token = f->token;
		collector_copy(&copy->c, &s->c);
	}
	if (s->slow_us > 0 && ++s->records % 64 == 0) {
		ts.tv_sec = s->slow_us / 1000000;
		ts.tv_nsec = s->slow_us % 1000000 * 1000;
		nanosleep(&ts, NULL);
	}
	return rc;
}

size_t
stream_drain(struct stream *s)
{
	size_t n;

	n = ring_drain(&s->ring, stream_record, s);
	collector_check_ring(&s->c, &s->ring);
	return n;
}

void
stream_end(struct stream *s, int alive)
{
	uint64_t num, den;
	size_t abandoned;

	if (alive) {
		ring_drain(&s->ring, stream_record, s);
	} else {
		/*
		 * What the process wrote before it died is still in the ring,
		 * perhaps behind a record a thread reserved and never
		 * published.
		 */
		ring_drain_abandoned(&s->ring, stream_record, s, &abandoned);
		s->c.anomalies.bad_record += abandoned;
	}
	collector_check_ring(&s->c, &s->ring);
	collector_finish(&s->c, ring_clock_now(&s->ring));
	ring_clock_rate(&s->ring, &num, &den);
	collector_scale_time(&s->c, num, den);
}

void
stream_release(struct stream *s)
{
	ring_unmap(&s->ring);
	collector_release(&s->c);
	free(s->command);
	s->command = NULL;
}
