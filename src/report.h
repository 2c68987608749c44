/*
 * report.h - what every output format shares: options, sort keys, the
 * order of sites, and how a frame is named.
 */
#ifndef HEAPPROF_REPORT_H
#define HEAPPROF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "profile.h"

enum sort_key {
	SORT_BYTES, SORT_BLOCKS, SORT_LIFETIME, SORT_PEAK, SORT_LEAKED,
	SORT_MAX, SORT_AVG_SIZE,
};

struct report_opts {
	enum sort_key sort;
	size_t top;		/* 0 = all */
	size_t depth;		/* frames per site; 0 = all */
	int exact_bytes;
	const char *file;	/* the profile's path, for the header */
};

/* "bytes|blocks|..." for messages. */
extern const char report_sort_keys[];

/* Returns 0 and sets *key, or -1 for an unknown name. */
int report_parse_sort(const char *name, enum sort_key *key);
const char *report_sort_name(enum sort_key key);

/*
 * Indices of the sites whose `stats` convention has blocks, best first by
 * key (ties by total bytes, then by index, so the order is stable).
 * Caller frees; *n is the count.
 */
size_t *report_order(const struct profile *p, int stats, enum sort_key key,
    size_t *n);

/* "module+0x1a2b" for a frame without symbols. */
void report_frame_raw(const struct profile *p, const struct prof_frame *f,
    char *buf, size_t len);

/* Output formats: each writes the whole report to out. */
struct formatter {
	const char *name;
	void (*write)(FILE *out, const struct profile *p,
	    const struct report_opts *o);
};

void fmt_text(FILE *out, const struct profile *p, const struct report_opts *o);
void fmt_dhat(FILE *out, const struct profile *p, const struct report_opts *o);

/* NULL-terminated by name. */
extern const struct formatter formatters[];
const struct formatter *formatter_find(const char *name);

#endif
