/* SPDX-License-Identifier: MIT */
/*
 * budget.c - whole-process allocation budgets.
 *
 * The verdict is on the profile's totals, the numbers the report's
 * summary shows; the sites named under a failure are the text report's
 * rows (allocator frames hidden), ranked by their share of the metric
 * that failed: bytes or blocks allocated, live at the global peak, or
 * live at exit.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "budget.h"
#include "report.h"
#include "units.h"

#define BLAME_SITES	3

static const struct {
	const char *name;	/* as the message says it */
	int bytes;		/* a size, else a count of blocks */
} metrics[BUDGET_N] = {
	[BUDGET_TOTAL_BYTES] = { "total", 1 },
	[BUDGET_TOTAL_BLOCKS] = { "total blocks", 0 },
	[BUDGET_PEAK_BYTES] = { "peak", 1 },
	[BUDGET_PEAK_BLOCKS] = { "peak blocks", 0 },
	[BUDGET_LEAKED_BYTES] = { "leaked", 1 },
	[BUDGET_LEAKED_BLOCKS] = { "leaked blocks", 0 },
};

static uint64_t
total_of(const struct profile *p, enum budget_metric m)
{
	switch (m) {
	case BUDGET_TOTAL_BYTES: return p->total_bytes;
	case BUDGET_TOTAL_BLOCKS: return p->total_blocks;
	case BUDGET_PEAK_BYTES: return p->peak_bytes;
	case BUDGET_PEAK_BLOCKS: return p->peak_blocks;
	case BUDGET_LEAKED_BYTES: return p->end_bytes;
	default: return p->end_blocks;
	}
}

static uint64_t
site_of(const struct prof_stats *st, enum budget_metric m)
{
	switch (m) {
	case BUDGET_TOTAL_BYTES: return st->tb;
	case BUDGET_TOTAL_BLOCKS: return st->tbk;
	case BUDGET_PEAK_BYTES: return st->gb;
	case BUDGET_PEAK_BLOCKS: return st->gbk;
	case BUDGET_LEAKED_BYTES: return st->eb;
	default: return st->ebk;
	}
}

/* The bytes metric's companion count, and the other way round. */
static uint64_t
other_of(const struct prof_stats *st, enum budget_metric m)
{
	return site_of(st, m ^ 1);
}

/* "4.0 MiB", or "4.8 MiB (5000000 bytes)" where the short form rounds. */
static void
limit_text(char *buf, size_t len, uint64_t bytes)
{
	char short_form[32];
	uint64_t unit = 1;

	format_size(short_form, sizeof short_form, bytes, 0);
	while (unit < (UINT64_C(1) << 50) && bytes / unit >= 1024)
		unit *= 1024;
	if (bytes % unit == 0)
		snprintf(buf, len, "%s", short_form);
	else
		snprintf(buf, len, "%s (%" PRIu64 " bytes)", short_form, bytes);
}

static void
blame_line(struct report_view *v, const struct report_row *r,
    enum budget_metric m)
{
	char size[32], *site = report_site_name(v, r);

	if (metrics[m].bytes) {
		format_size(size, sizeof size, site_of(&r->st, m), 0);
		fprintf(stderr, "heapprof:   %s in %" PRIu64 " blocks: %s\n",
		    size, other_of(&r->st, m), site);
	} else {
		format_size(size, sizeof size, other_of(&r->st, m), 0);
		fprintf(stderr, "heapprof:   %" PRIu64 " blocks, %s: %s\n",
		    site_of(&r->st, m), size, site);
	}
	free(site);
}

/* The rows that contribute most to m, best first, ties in report order. */
static void
blame(struct report_view *v, enum budget_metric m)
{
	size_t best[BLAME_SITES], nbest = 0, i, k;
	uint64_t x;

	for (i = 0; i < v->nrows; i++) {
		x = site_of(&v->rows[i].st, m);
		if (x == 0)
			continue;
		for (k = nbest; k > 0 &&
		    site_of(&v->rows[best[k - 1]].st, m) < x; k--)
			if (k < BLAME_SITES)
				best[k] = best[k - 1];
		if (k < BLAME_SITES) {
			best[k] = i;
			if (nbest < BLAME_SITES)
				nbest++;
		}
	}
	for (k = 0; k < nbest; k++)
		blame_line(v, &v->rows[best[k]], m);
}

int
budget_check(const struct budgets *b, const struct profile *p)
{
	struct report_opts o = { .sort = NULL };	/* bytes */
	struct report_view v;
	char actual[32], limit[64];
	int m, exceeded = 0;
	uint64_t x;

	for (m = 0; m < BUDGET_N; m++) {
		x = total_of(p, m);
		if (!(b->set & (1u << m)) || x <= b->max[m])
			continue;
		if (exceeded++ == 0)
			report_view_init(&v, p, &o);
		if (metrics[m].bytes) {
			format_size(actual, sizeof actual, x, 0);
			limit_text(limit, sizeof limit, b->max[m]);
			fprintf(stderr, "heapprof: budget exceeded: %s %s "
			    "(%" PRIu64 " bytes) > %s\n", metrics[m].name,
			    actual, x, limit);
		} else {
			fprintf(stderr, "heapprof: budget exceeded: %s "
			    "%" PRIu64 " > %" PRIu64 "\n", metrics[m].name, x,
			    b->max[m]);
		}
		blame(&v, m);
	}
	if (exceeded > 0)
		report_view_release(&v);
	return exceeded;
}
