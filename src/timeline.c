/* SPDX-License-Identifier: MIT */
/*
 * timeline.c - the bounded series of live bytes (timeline.h).
 *
 * Intervals start at time 0 and are all as long, so point i's interval
 * is [i << shift, (i + 1) << shift) and merging pairs is halving the
 * indices.  Merging keeps every interval's extremes, so the highest high
 * stays the run's peak: the chart can mark it at the point that holds it.
 * An interval with no event holds the value carried from before it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "timeline.h"
#include "xmalloc.h"

void
timeline_init(struct timeline *t)
{
	memset(t, 0, sizeof *t);
	t->pts = xcalloc(TIMELINE_MAX, sizeof *t->pts);
}

void
timeline_release(struct timeline *t)
{
	free(t->pts);
	memset(t, 0, sizeof *t);
}

void
timeline_copy(struct timeline *dst, const struct timeline *src)
{
	*dst = *src;
	dst->pts = xmemdup(src->pts, TIMELINE_MAX * sizeof *src->pts);
}

static void
merge(struct prof_point *d, const struct prof_point *s)
{
	if (s->lo < d->lo)
		d->lo = s->lo;
	if (s->hi > d->hi)
		d->hi = s->hi;
}

/* Intervals twice as long: points 2i and 2i+1 become point i. */
static void
halve(struct timeline *t)
{
	struct prof_point open = { 0, t->lo, t->hi };
	size_t i;

	for (i = 0; i + 1 < t->n; i += 2) {
		t->pts[i / 2] = t->pts[i];
		merge(&t->pts[i / 2], &t->pts[i + 1]);
	}
	/* An odd last closed point pairs with the open interval. */
	if (t->n % 2 == 1) {
		merge(&open, &t->pts[t->n - 1]);
		t->lo = open.lo;
		t->hi = open.hi;
	}
	t->n /= 2;
	t->shift++;
	for (i = 0; i < t->n; i++)
		t->pts[i].time = (uint64_t)i << t->shift;
}

void
timeline_advance(struct timeline *t, uint64_t time)
{
	uint64_t idx;

	/* Room for every interval up to time's, the open one included. */
	while ((time >> t->shift) >= TIMELINE_MAX && t->shift < 63)
		halve(t);
	idx = time >> t->shift;
	if (idx <= t->n)
		return;
	t->pts[t->n].time = (uint64_t)t->n << t->shift;
	t->pts[t->n].lo = t->lo;
	t->pts[t->n].hi = t->hi;
	t->n++;
	for (; t->n < idx; t->n++) {
		t->pts[t->n].time = (uint64_t)t->n << t->shift;
		t->pts[t->n].lo = t->pts[t->n].hi = t->last;
	}
	t->lo = t->hi = t->last;
}

const struct prof_point *
timeline_finish(struct timeline *t, uint64_t end_time, size_t *n)
{
	timeline_advance(t, end_time);
	t->pts[t->n].time = (uint64_t)t->n << t->shift;
	t->pts[t->n].lo = t->lo;
	t->pts[t->n].hi = t->hi;
	*n = t->n + 1;
	return t->pts;
}
