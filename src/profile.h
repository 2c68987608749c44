/* SPDX-License-Identifier: MIT */
/*
 * profile.h - the in-memory profile: what `run` writes and `report` reads.
 * Self-contained: it holds symbol names, so no binary is needed to read it.
 * The file format is described in profile.c and heapprof-data(5).
 */
#ifndef HEAPPROF_PROFILE_H
#define HEAPPROF_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "stats.h"

/*
 * Bump when the file layout changes; older versions must keep loading.
 * 2: MODULES records carry flags (PROF_MODULE_*).
 * 3: everything after a fixed header is compressed with zlib.
 * 4: META ends with the failed HEAPPROF_ASSERTs.
 * 5: META ends with the mode and the ad-hoc totals, each site with its
 *    ad-hoc events and weight.
 * 6: TIMELINE and DISTRIBUTIONS sections after SITES.
 * 7: META ends with the count of stacks libunwind unwound otherwise.
 * 8: META ends with the count of nested events (signal handlers).
 */
#define PROFILE_VERSION	8

/* What the run recorded (heapprof run --mode). */
#define PROF_MODE_HEAP		0
#define PROF_MODE_AD_HOC	1

struct prof_loc {
	uint32_t function, file, line;	/* string ids; 0 = unknown */
};

struct prof_frame {
	uint32_t module;	/* module index + 1; 0 = none */
	uint64_t offset;	/* from the module's bias, or the address */
	uint32_t first_loc, nlocs;	/* inline chain, innermost first */
};

#define PROF_SITE_TRUNCATED	0x1

/*
 * Why a module's frames have no symbols; such frames are written as
 * module+offset only, never with names that may belong to another file.
 */
#define PROF_MODULE_UNREADABLE	0x1	/* gone or not an ELF file at the end */
#define PROF_MODULE_CHANGED	0x2	/* the file differs from what was loaded */

struct prof_site {
	uint32_t first, nframes;	/* into stack_frames */
	uint32_t flags;
	struct prof_stats st[STATS_N];	/* STATS_OWN, STATS_DHAT */
	uint64_t ad_events, ad_weight;	/* heapprof_ad_hoc(3) */
	struct prof_dist dist;		/* STATS_OWN's blocks; see has_dist */
};

struct profile {
	uint32_t command;		/* string id: the command line */
	uint32_t pid;
	int64_t start_time;		/* Unix seconds */
	uint64_t duration;		/* ns */
	int32_t exit_code;		/* -1 if killed */
	int32_t exit_signal;		/* 0 if exited */
	uint64_t total_bytes, total_blocks;
	uint64_t peak_bytes, peak_blocks, peak_time;
	uint64_t end_bytes, end_blocks;
	uint64_t events;
	struct anomalies anomalies;
	/*
	 * HEAPPROF_ASSERTs that failed: how many, and the texts of the first
	 * ones (string ids).  Any makes the run a failure.
	 */
	uint64_t failed_asserts;
	uint32_t *failures;
	size_t nfailures;
	uint32_t mode;			/* PROF_MODE_* */
	uint64_t ad_events, ad_weight;	/* heapprof_ad_hoc(3), in all */
	/*
	 * Live bytes over time (a few thousand points at most), and whether
	 * the sites have distributions; files before version 6 have
	 * neither.  A lifetime bucket's bounds are in ticks of
	 * tick_num / tick_den ns each: profile_ticks_ns.
	 */
	struct prof_point *timeline;
	size_t ntimeline;
	int has_dist;
	uint64_t tick_num, tick_den;

	char **strings;			/* strings[0] == "" */
	uint32_t *string_lens;
	size_t nstrings, strings_cap;
	uint32_t *modules;		/* string ids of paths */
	uint32_t *module_flags;		/* PROF_MODULE_*, one per module */
	size_t nmodules;
	struct prof_loc *locs;
	size_t nlocs, locs_cap;
	struct prof_frame *frames;
	size_t nframes, frames_cap;
	uint32_t *stack_frames;
	size_t nstack_frames, stack_frames_cap;
	struct prof_site *sites;
	size_t nsites, sites_cap;

	struct strindex *index;		/* string interning while building */
};

void profile_init(struct profile *p);
void profile_release(struct profile *p);

/* Intern a string while building; returns its id. */
uint32_t profile_string(struct profile *p, const char *s);
const char *profile_str(const struct profile *p, uint32_t id);

/* A lifetime histogram's ticks (stats.h) in ns. */
uint64_t profile_ticks_ns(const struct profile *p, uint64_t ticks);

/*
 * The lifetime at percentile pct (1..100) of dist's blocks, in ns (see
 * dist_percentile); st is their statistics, for the average.
 */
uint64_t profile_life_percentile(const struct profile *p,
    const struct prof_dist *dist, const struct prof_stats *st, unsigned pct);
/* The same for sizes, in bytes. */
uint64_t profile_size_percentile(const struct prof_dist *dist,
    const struct prof_stats *st, unsigned pct);

/*
 * Write to path (via a temporary file renamed into place, so a failed
 * write leaves no half file).  Returns 0, or -1 with errno set.
 */
int profile_write(const struct profile *p, const char *path);

/*
 * Write to a new file beside path, PATH.tmpPID, flushed to disk, for the
 * caller to rename into place.  Returns its name (the caller frees it),
 * or NULL with errno set and no file left behind.
 */
char *profile_write_temp(const struct profile *p, const char *path);

/*
 * Load path into p (initialised here).  On failure returns -1 and puts a
 * one-line message naming the path (without the program name) in err.
 */
int profile_read(struct profile *p, const char *path, char *err,
    size_t errlen);

#endif
