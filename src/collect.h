/* SPDX-License-Identifier: MIT */
/*
 * collect.h - the aggregator: turns the ring's records into per-site
 * statistics, valgrind DHAT's model, kept under two realloc conventions:
 *
 *   own   realloc ends the old block and starts a new one of the new size,
 *         charged to the realloc's call stack;
 *   dhat  (valgrind DHAT's) the new block is charged to the site that
 *         allocated the original block, so a realloc chain stays one site;
 *         and a 0-byte block counts as 1 byte, as in DHAT.
 *
 * Both count the resized block as a new block.  The global peak (t-gmax) is
 * the last moment live bytes were at their maximum, as in DHAT.
 */
#ifndef HEAPPROF_COLLECT_H
#define HEAPPROF_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "livetab.h"
#include "stacktab.h"
#include "stats.h"
#include "timeline.h"
#include "wire.h"

/* A site's state while collecting, per convention; not kept. */
struct site_live {
	uint64_t cb, cbk;	/* live now */
	uint64_t peak_epoch;	/* see collect.c: when gb/gbk were saved */
};

struct site {
	struct prof_stats st[STATS_N];	/* what the profile keeps */
	struct site_live live[STATS_N];
	struct prof_dist dist;		/* of its own blocks */
	uint64_t ad_events, ad_weight;	/* heapprof_ad_hoc(3) events here */
	uint64_t first_event;	/* events counted when the stack was first seen */
};

/*
 * A loaded object, alive from the load_event-th record until the
 * unload_event-th (UINT64_MAX while still loaded): a later dlopen may put
 * another object at the same addresses.
 */
struct module {
	char *path;
	uint64_t bias, lo, hi;
	uint64_t load_event, unload_event;
};

#define COLLECT_MAX_FAILURES	64

struct ring;
struct collector {
	struct stacktab stacks;		/* site id == stack id */
	struct site *sites;
	size_t sites_cap;
	/* The agent's stack ids (HP_REC_STACK): site + 1, 0 if unknown. */
	uint32_t *id_sites;
	size_t id_sites_cap;
	struct livetab live;
	struct module *modules;
	size_t nmodules, modules_cap;

	uint32_t pid;			/* from the agent's HELLO; 0 if none */
	uint64_t events;
	uint64_t last_time;		/* newest event */
	uint64_t total_bytes, total_blocks;
	uint64_t curr_bytes, curr_blocks;
	uint64_t peak_bytes, peak_blocks, peak_time;
	uint64_t peak_epoch;		/* bumped at each new maximum */
	uint64_t end_bytes, end_blocks, end_time;
	uint64_t ad_events, ad_weight;	/* heapprof_ad_hoc(3), in all */
	struct timeline timeline;	/* live bytes over time */
	size_t npoints;			/* its points, once finished */
	/* A tick of the clock is tick_num / tick_den ns (1/1 until scaled). */
	uint64_t tick_num, tick_den;
	struct anomalies anomalies;
	/*
	 * Failed HEAPPROF_ASSERTs: how many, and the text of the first
	 * COLLECT_MAX_FAILURES, made printable.
	 */
	uint64_t failed_asserts;
	char **failures;
	size_t nfailures;
	/* Where heapprof_stats queries are answered; NULL: nowhere. */
	struct ring *ring;
	int finished;
	int ring_lost;			/* the ring was overwritten: said so */
	/* Moved reallocs between their two records: the DHAT site to charge. */
	struct moving {
		uint64_t old_addr;
		uint32_t dhat_site;
	} *moving;
	size_t nmoving, moving_cap;
};

void collector_init(struct collector *c);
void collector_release(struct collector *c);

/*
 * Make dst (uninitialised) an independent copy of src: a forked child's
 * heap starts as its parent's.
 */
void collector_copy(struct collector *dst, const struct collector *src);

/*
 * Account one ring record (a ring_record_fn): 0, or -1 without a change if
 * the agent cannot have written it (an unknown stack id, a length that
 * does not match the frames or the path).
 */
int collector_record(void *collector, const struct hp_rec *rec);

/*
 * Once r's stream is broken (see ring_drain): say so on stderr, once, and
 * count it as a malformed event.
 */
void collector_check_ring(struct collector *c, const struct ring *r);

/*
 * The target ended at end_time (on the ring's clock): blocks still live
 * count as live at the end, their lifetimes run until then, every site's
 * peak values are settled, and the timeline's last point is closed.
 */
void collector_finish(struct collector *c, uint64_t end_time);

/*
 * Once finished: turn every time from the ring's clock into ns by
 * multiplying by num / den (see ring_clock_rate).  The lifetime
 * histograms stay in ticks, a bucket per power of two of them, and
 * tick_num / tick_den become num / den.
 */
void collector_scale_time(struct collector *c, uint64_t num, uint64_t den);

/*
 * The object that held pc when the event-th record was counted, or NULL;
 * *index is set to its position in c->modules.
 */
const struct module *collector_module_at(const struct collector *c,
    uint64_t pc, uint64_t event, size_t *index);

#endif
