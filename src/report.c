/*
 * report.c - sorting and naming shared by the output formats.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

const char report_sort_keys[] =
    "bytes, blocks, lifetime, peak, leaked, max, avg-size";

static const char *const sort_names[] = {
	[SORT_BYTES] = "bytes", [SORT_BLOCKS] = "blocks",
	[SORT_LIFETIME] = "lifetime", [SORT_PEAK] = "peak",
	[SORT_LEAKED] = "leaked", [SORT_MAX] = "max",
	[SORT_AVG_SIZE] = "avg-size",
};

const struct formatter formatters[] = {
	{ "text", fmt_text },
	{ "dhat", fmt_dhat },
	{ NULL, NULL },
};

const struct formatter *
formatter_find(const char *name)
{
	const struct formatter *f;

	for (f = formatters; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

int
report_parse_sort(const char *name, enum sort_key *key)
{
	size_t i;

	for (i = 0; i < sizeof sort_names / sizeof sort_names[0]; i++)
		if (strcmp(sort_names[i], name) == 0) {
			*key = (enum sort_key)i;
			return 0;
		}
	return -1;
}

const char *
report_sort_name(enum sort_key key)
{
	return sort_names[key];
}

static uint64_t
sort_value(const struct prof_stats *s, enum sort_key key)
{
	switch (key) {
	case SORT_BYTES:	return s->tb;
	case SORT_BLOCKS:	return s->tbk;
	case SORT_LIFETIME:	return s->tl;
	case SORT_PEAK:		return s->gb;
	case SORT_LEAKED:	return s->eb;
	case SORT_MAX:		return s->mb;
	case SORT_AVG_SIZE:	return s->tbk ? s->tb / s->tbk : 0;
	}
	return 0;
}

struct sort_ctx {
	const struct profile *p;
	int stats;
	enum sort_key key;
};

/* qsort has no context argument; the sort runs once per report. */
static struct sort_ctx sort_ctx;

static int
site_cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct prof_stats *si = &sort_ctx.p->sites[i].st[sort_ctx.stats];
	const struct prof_stats *sj = &sort_ctx.p->sites[j].st[sort_ctx.stats];
	uint64_t vi = sort_value(si, sort_ctx.key);
	uint64_t vj = sort_value(sj, sort_ctx.key);

	if (vi != vj)
		return vi > vj ? -1 : 1;
	if (si->tb != sj->tb)
		return si->tb > sj->tb ? -1 : 1;
	return i < j ? -1 : i > j;
}

size_t *
report_order(const struct profile *p, int stats, enum sort_key key,
    size_t *n)
{
	size_t *order = xcalloc(p->nsites + 1, sizeof *order), i;

	*n = 0;
	for (i = 0; i < p->nsites; i++)
		if (p->sites[i].st[stats].tbk != 0)
			order[(*n)++] = i;
	sort_ctx.p = p;
	sort_ctx.stats = stats;
	sort_ctx.key = key;
	qsort(order, *n, sizeof *order, site_cmp);
	return order;
}

void
report_frame_raw(const struct profile *p, const struct prof_frame *f,
    char *buf, size_t len)
{
	const char *path, *base;

	if (f->module == 0) {
		snprintf(buf, len, "0x%llx", (unsigned long long)f->offset);
		return;
	}
	path = profile_str(p, p->modules[f->module - 1]);
	base = strrchr(path, '/');
	snprintf(buf, len, "%s+0x%llx", base ? base + 1 : path,
	    (unsigned long long)f->offset);
}
