/* SPDX-License-Identifier: MIT */
/*
 * fmt-folded.c - folded stacks (Brendan Gregg's format, read by
 * flamegraph.pl, inferno and speedscope): one line per distinct stack,
 * frames outermost first joined by ';', a space, and the weight, which is
 * the --sort key's statistic (one that adds up: SORT_SUMS).  Every site is
 * written with its whole stack unless --top or --depth were given, so the
 * weights add up to the profile's total for the metric.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

struct folded_line {
	char *stack;
	uint64_t weight;
};

/*
 * Append a frame name to *buf: escaped as the text report escapes (no
 * control character, so no newline), and with ';', the separator, as
 * \x3b.  A space needs nothing: readers split at the last one.
 */
static void
put_name(char **buf, size_t *len, size_t *cap, const char *name)
{
	char *e = report_escape(name), *s;
	size_t n = 0;

	for (s = e; *s != '\0'; s++)
		n += *s == ';' ? 4 : 1;
	*buf = xgrow(*buf, cap, *len + n + 2, 1);
	for (s = e; *s != '\0'; s++) {
		if (*s == ';') {
			memcpy(*buf + *len, "\\x3b", 4);
			*len += 4;
		} else {
			(*buf)[(*len)++] = *s;
		}
	}
	(*buf)[*len] = '\0';
	free(e);
}

/*
 * A line's frame: its function, or module+0xoffset when the frame has no
 * symbols or the location no function.  Inline frames are frames of their
 * own, as in the text report.
 */
static const char *
line_name(struct report_view *v, const struct report_line *l, char *raw,
    size_t len)
{
	const struct prof_loc *loc;

	if (l->loc != NO_LOC) {
		loc = &v->p->locs[l->loc];
		if (loc->function != 0)
			return report_function(v, loc->function);
	}
	report_frame_raw(v->p, &v->p->frames[l->frame], raw, len);
	return raw;
}

/* Append frame `name` to the stack in *buf, after a ';' unless first. */
static void
put_frame(char **buf, size_t *len, size_t *cap, const char *name)
{
	if (*len != 0) {
		*buf = xgrow(*buf, cap, *len + 2, 1);
		(*buf)[(*len)++] = ';';
	}
	put_name(buf, len, cap, name);
}

static char *
folded_stack(struct report_view *v, const struct report_row *r, size_t depth)
{
	char *buf = NULL, raw[256];
	size_t len = 0, cap = 0, n = r->nlines, i;

	if (depth != 0 && n > depth)
		n = depth;
	/* A stack without its roots says so at the root, as text does. */
	if (n < r->nlines)
		put_frame(&buf, &len, &cap, "...");
	else if (r->flags & PROF_SITE_TRUNCATED)
		put_frame(&buf, &len, &cap, "[truncated]");
	if (n == 0)
		put_frame(&buf, &len, &cap, "[no stack]");
	for (i = n; i-- > 0;)
		put_frame(&buf, &len, &cap, line_name(v,
		    &v->lines[r->first + i], raw, sizeof raw));
	return buf;
}

static int
line_cmp(const void *a, const void *b)
{
	return strcmp(((const struct folded_line *)a)->stack,
	    ((const struct folded_line *)b)->stack);
}

void
fmt_folded(FILE *out, const struct profile *p, const struct report_opts *o)
{
	struct report_view v;
	struct folded_line *lines;
	const struct sort_key *key = report_sort(o);
	size_t n = 0, shown, i, j;
	uint64_t w;

	report_view_init(&v, p, o);
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	lines = xcalloc(shown + 1, sizeof *lines);
	for (i = 0; i < shown; i++) {
		w = key->value(p, &v.rows[i]);
		if (w == 0)
			continue;
		lines[n].stack = folded_stack(&v, &v.rows[i], o->depth);
		lines[n++].weight = w;
	}
	/* Rows that differ only in what is not shown are one stack. */
	qsort(lines, n, sizeof *lines, line_cmp);
	for (i = 0; i < n; i = j) {
		w = lines[i].weight;
		for (j = i + 1; j < n && strcmp(lines[i].stack,
		    lines[j].stack) == 0; j++)
			w += lines[j].weight;
		fprintf(out, "%s %" PRIu64 "\n", lines[i].stack, w);
	}
	for (i = 0; i < n; i++)
		free(lines[i].stack);
	free(lines);
	report_view_release(&v);
}
