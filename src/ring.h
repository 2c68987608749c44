/* SPDX-License-Identifier: MIT */
/*
 * ring.h - the shared-memory event ring (layout in wire.h).
 *
 * The producer half (ring_reserve, ring_publish) runs inside the target on
 * its allocation path: it never allocates, takes no lock and makes no system
 * call unless the ring is full or the consumer sleeps.  The consumer half
 * (ring_drain, ring_wait) runs in the collector.
 */
#ifndef HEAPPROF_RING_H
#define HEAPPROF_RING_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>
#if defined(__x86_64__)
#include <x86intrin.h>
#endif

#include "wire.h"

/*
 * Everything either side needs to trust is kept here, out of the shared
 * memory: the target can overwrite the header, and the collector must not
 * follow it.
 */
struct ring {
	struct hp_ring_header *hdr;
	unsigned char *data;
	uint64_t mask;		/* capacity - 1 */
	void *map;		/* a private page, then header and data */
	size_t map_size;
	int fd;			/* -1 once closed */
	int dead;		/* producer side: the consumer went away */

	/* Consumer side. */
	uint64_t tail;		/* everything before is consumed */
	uint64_t head_seen;	/* the highest head read */
	uint32_t clock;		/* the header's clock fields, as first read */
	uint64_t clock_origin, mono_origin;
	int owned;		/* on this thread's robust list (ring_own) */
	int broken;		/* the stream ended at broken_at (ring_broken) */
	uint64_t broken_at;
	uint64_t hole_at;	/* tail, unpublished while the ring is full */
	uint64_t hole_since;	/* since when (CLOCK_MONOTONIC ns), or 0 */
	int hole_paused;	/* the producers were stopped at the last look */
	pid_t pid;		/* the producers' process, or 0 if unknown */
};

/*
 * Read an enum hp_clock: on the agent's path for every event, so inline
 * and without a system call.
 */
static inline uint64_t
ring_clock_read(uint32_t clock)
{
	struct timespec ts;

#if defined(__x86_64__)
	if (clock == HP_CLOCK_TSC)
		return __rdtsc();
#endif
	(void)clock;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * The clock a new ring should use: the TSC where the CPU reports it
 * invariant, unless HEAPPROF_CLOCK=monotonic.
 */
uint32_t ring_clock_choose(void);

/* The ring's clock now, since its origin. */
uint64_t ring_clock_now(const struct ring *r);

/*
 * Multiply a time on the ring's clock by num / den to get ns: the rate
 * measured from the ring's creation until now.
 */
void ring_clock_rate(const struct ring *r, uint64_t *num, uint64_t *den);

/*
 * Consumer: how long a hole may hold up a full ring before the stream
 * ends there (see ring_drain); 3 s unless set.
 */
void ring_hole_limit(uint64_t ns);

/*
 * Create a ring of `capacity` data bytes (a power of two, at least 64 KiB)
 * in a new memfd that survives exec (no CLOEXEC), its size sealed so that
 * no holder can shrink or grow it (F_SEAL_SHRINK, F_SEAL_GROW, F_SEAL_SEAL).
 * Returns 0, or -1 with errno set.  Release with ring_unmap().
 */
int ring_create(struct ring *r, uint64_t capacity);

/*
 * Map the ring behind `fd` and check its magic, version, size and seals
 * (one that could shrink under the collector is refused).  The fd is not
 * closed.  Returns 0, or -1 with errno set (EPROTO for a foreign ring).
 */
int ring_attach(struct ring *r, int fd);

/*
 * Consumer: become the ring's collector, so that producers waiting for
 * space learn when this process dies, even unreaped.  Call from the thread
 * that drains it; ring_unmap() gives it up.  Returns 0, or -1 if the kernel
 * has no robust futexes (producers then fall back to consumer_pid).
 */
int ring_own(struct ring *r);

/*
 * Unmap and close; the struct may be reused.  An owned ring is given up
 * first, and its producers stop recording.
 */
void ring_unmap(struct ring *r);

/*
 * Producer: reserve `len` bytes (a multiple of 8) for one record, waiting
 * while the ring is full.  Returns NULL only if the consumer is gone.  The
 * record must be published with ring_publish(), which is what makes it and
 * everything reserved after it visible to the consumer.
 */
void *ring_reserve(struct ring *r, uint32_t len);
void ring_publish(struct ring *r, void *rec, uint32_t len, uint16_t type,
    uint16_t flags);

/*
 * Consumer: hand every published record, in order, to fn; stop at the first
 * record that is reserved but not yet published, or at the head of the ring
 * as it was when the call began.  Returns the number of
 * records handed over.  PAD records are skipped.
 *
 * fn gets a private copy of the record, whose framing (length, type,
 * flags, bounds) is already checked; it returns 0, or -1 if the contents
 * cannot be valid.  Then, or when the header or the framing is found
 * overwritten, the stream is broken: nothing more is handed over, space
 * is still freed so that producers never wait for it, and producers are
 * told to stop (see ring_broken).
 */
typedef int (*ring_record_fn)(void *ctx, const struct hp_rec *rec);
size_t ring_drain(struct ring *r, ring_record_fn fn, void *ctx);

/*
 * Consumer, once every producer is gone (the target ended): drain like
 * ring_drain, and skip each record a dying thread reserved but never
 * published, so that what other threads wrote after it is not lost.
 * *abandoned is set to the number of records skipped.
 */
size_t ring_drain_abandoned(struct ring *r, ring_record_fn fn, void *ctx,
    size_t *abandoned);

/*
 * Consumer: 1 if the stream is broken, with *offset set to the position
 * (bytes since the ring was made) of the first record that could not be
 * read; 0 if not.
 */
int ring_broken(const struct ring *r, uint64_t *offset);

/* Consumer: bytes reserved but not yet consumed (published or not). */
uint64_t ring_pending(const struct ring *r);

/*
 * Consumer: sleep until ring_wake_consumer() is called (a producer found
 * the ring full) or `timeout_ms` passes; return at once if the ring is a
 * quarter full and its first record published, or *cancel is set.  A signal handler that sets *cancel
 * and then calls ring_wake_consumer() can therefore never be missed.
 */
void ring_wait(struct ring *r, int timeout_ms, volatile int *cancel);

/* Async-signal-safe: end a ring_wait() early (a full ring, SIGCHLD). */
void ring_wake_consumer(struct ring *r);

/*
 * Producer, for heapprof_stats(3): claim a free answer slot, waiting
 * while all are taken.  Returns its index, or -1 if the consumer is gone.
 * ring_release_slot gives it back.
 */
int ring_claim_slot(struct ring *r);
void ring_release_slot(struct ring *r, int slot);

/*
 * Producer: wait until the consumer has answered query `token` in slot
 * (and copy the answer to values), or has gone.  The wait has no other
 * end: a live collector answers as soon as it reaches the query.  Returns
 * 0, or -1 if the consumer is gone.
 */
int ring_await_answer(struct ring *r, int slot, uint64_t token,
    uint64_t values[HP_STATS_N]);

/* Consumer: answer query token in slot (range-checked) with values. */
void ring_answer(struct ring *r, uint32_t slot, uint64_t token,
    const uint64_t values[HP_STATS_N]);

#endif
