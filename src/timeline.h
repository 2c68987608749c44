/* SPDX-License-Identifier: MIT */
/*
 * timeline.h - live bytes over time, in a bounded series: the run is cut
 * into intervals of 2^shift clock ticks, each keeping the lowest and
 * highest live bytes seen in it.  When TIMELINE_MAX intervals are not
 * enough for the run so far, neighbours are merged in pairs (the lower of
 * the two lows, the higher of the two highs) and intervals become twice as
 * long: the series never holds more than TIMELINE_MAX points, however long
 * the run, and the global peak is always the highest point's high.
 */
#ifndef HEAPPROF_TIMELINE_H
#define HEAPPROF_TIMELINE_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

#define TIMELINE_MAX	2048

struct timeline {
	struct prof_point *pts;	/* TIMELINE_MAX closed intervals, in order */
	size_t n;		/* point i is interval i */
	unsigned shift;		/* an interval is 2^shift ticks */
	uint64_t lo, hi;	/* of the open interval, number n */
	uint64_t last;		/* live bytes after the latest event */
};

void timeline_init(struct timeline *t);
void timeline_release(struct timeline *t);
/* Make dst (uninitialised) an independent copy of src. */
void timeline_copy(struct timeline *dst, const struct timeline *src);

/* Close intervals up to the one that holds time (internal). */
void timeline_advance(struct timeline *t, uint64_t time);

/*
 * Live bytes are v after an event at time: a shift and two compares in
 * the common case.  A time before the open interval (another CPU's clock a
 * few ticks behind) counts in the open interval.
 */
static inline void
timeline_note(struct timeline *t, uint64_t time, uint64_t v)
{
	if ((time >> t->shift) > t->n)
		timeline_advance(t, time);
	if (v > t->hi)
		t->hi = v;
	if (v < t->lo)
		t->lo = v;
	t->last = v;
}

/*
 * The run ended at end_time: close the intervals up to the one that holds
 * it, which becomes the last point.  *n is set to the number of points.
 */
const struct prof_point *timeline_finish(struct timeline *t,
    uint64_t end_time, size_t *n);

#endif
