/* SPDX-License-Identifier: MIT */
/*
 * stream.h - one profiled process's events: its ring, the collector that
 * counts them, and what its profile says of it.  The target is one stream,
 * and with --children every other process of its tree is one more.
 */
#ifndef HEAPPROF_STREAM_H
#define HEAPPROF_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "collect.h"
#include "ring.h"

/* A parent's state at an HP_REC_FORK, waiting for the child to claim it. */
struct fork_copy {
	uint32_t pid;
	uint64_t token;
	struct collector c;
};

/* The copies not yet claimed; the --children module owns them. */
struct fork_copies {
	struct fork_copy *v;
	size_t n, cap;
};

struct stream {
	struct ring ring;
	struct collector c;
	pid_t pid;		/* the process that writes the ring */
	time_t start;		/* when it started, for the profile */
	char *command;		/* its command line, owned */
	/* Where an HP_REC_FORK leaves a copy of c; NULL: nowhere. */
	struct fork_copies *forks;
	/* Test-only: sleep this long every 64 records (see session.c). */
	long slow_us;
	unsigned records;
};

/* An empty stream, with no ring and no collector yet. */
void stream_init(struct stream *s);

/*
 * The process that writes s's ring: the pid its profile names, and the
 * one whose stopped threads excuse a hole in the ring (ring.pid).
 */
void stream_set_pid(struct stream *s, pid_t pid);

/*
 * Start counting: from nothing, or, for a forked child, from the copy of
 * its parent's collector at the fork, which s takes over (from is left
 * empty).  Either way the collector answers queries on s's ring.
 */
void stream_begin(struct stream *s, struct collector *from);

/*
 * Account the records published so far, and note a ring the program
 * overwrote.  Returns the number of records drained.
 */
size_t stream_drain(struct stream *s);

/*
 * The end of the stream: drain what is left and close the collector's
 * books (collector_finish), its times in ns.  alive: the process may still
 * be writing (given up on), so a record reserved and not published is not
 * counted as abandoned; otherwise the process is gone and such records are
 * skipped and counted as malformed.  The ring stays mapped.
 */
void stream_end(struct stream *s, int alive);

/* Unmap the ring, release the collector and the command. */
void stream_release(struct stream *s);

#endif
