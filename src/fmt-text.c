/* SPDX-License-Identifier: MIT */
/*
 * fmt-text.c - the text report: a header, then one row per site with its
 * call stack beneath, laid out for a 100-column terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"

static void
size_col(char *buf, size_t len, uint64_t v, const struct report_opts *o)
{
	format_size(buf, len, v, o->exact_bytes);
}

/* A string from the profile, with control characters made visible. */
static void
put_text(FILE *out, const char *s)
{
	char *e = report_escape(s);

	fputs(e, out);
	free(e);
}

/* "sites: 6", or with --group-by=function "sites: 6 in 4 functions". */
static void
print_sites(FILE *out, const struct report_view *v, size_t shown)
{
	size_t i, nsites = 0;

	if (v->o->group_by != GROUP_FUNCTION) {
		fprintf(out, "sites:    %zu, showing %zu by %s\n\n", v->nrows,
		    shown, report_sort(v->o)->name);
		return;
	}
	for (i = 0; i < v->nrows; i++)
		nsites += v->rows[i].nsites;
	fprintf(out, "sites:    %zu in %zu functions, showing %zu by %s\n\n",
	    nsites, v->nrows, shown, report_sort(v->o)->name);
}

static void
print_header(FILE *out, const struct profile *p, const struct report_view *v,
    size_t shown)
{
	const struct report_opts *o = v->o;
	char total[32], peak[32], end[32], dur[32], when[48];
	size_t i;

	size_col(total, sizeof total, p->total_bytes, o);
	size_col(peak, sizeof peak, p->peak_bytes, o);
	size_col(end, sizeof end, p->end_bytes, o);
	format_duration(dur, sizeof dur, p->duration);
	format_time(when, sizeof when, p->start_time, 0);
	/* The verdict first: what a failing test run is looked at for. */
	if (p->failed_asserts > 0) {
		fprintf(out, "FAILED:   %" PRIu64 " heapprof assertion%s\n",
		    p->failed_asserts, p->failed_asserts == 1 ? "" : "s");
		for (i = 0; i < p->nfailures; i++) {
			fputs("  ", out);
			put_text(out, profile_str(p, p->failures[i]));
			fputc('\n', out);
		}
		if (p->failed_asserts > p->nfailures)
			fprintf(out, "  (%" PRIu64 " more)\n",
			    p->failed_asserts - p->nfailures);
	}
	fputs("command:  ", out);
	put_text(out, profile_str(p, p->command));
	fputc('\n', out);
	fprintf(out, "pid:      %" PRIu32 ", started %s, ran %s, ", p->pid,
	    when, dur);
	if (p->exit_signal != 0)
		fprintf(out, "killed by signal %d\n", p->exit_signal);
	else if (p->exit_code >= 0)
		fprintf(out, "exit status %d\n", p->exit_code);
	else	/* a --children process: not heapprof's child to wait for */
		fprintf(out, "exit status unknown\n");
	if (o->ad_hoc) {
		fprintf(out, "mode:     %s\n", p->mode == PROF_MODE_AD_HOC ?
		    "ad-hoc" : "heap");
		fprintf(out, "events:   %" PRIu64 ", weight %" PRIu64 "\n",
		    p->ad_events, p->ad_weight);
		report_anomalies(out, p, "anomalies: ");
	report_nested(out, p, "nested:   ");
		print_sites(out, v, shown);
		return;
	}
	fprintf(out, "total:    %s in %" PRIu64 " blocks\n", total,
	    p->total_blocks);
	format_duration(dur, sizeof dur, p->peak_time);
	fprintf(out, "peak:     %s in %" PRIu64 " blocks, at %s\n", peak,
	    p->peak_blocks, dur);
	fprintf(out, "at exit:  %s in %" PRIu64 " blocks\n", end,
	    p->end_blocks);
	/* Kept beside the heap: --ad-hoc shows them. */
	if (p->ad_events != 0)
		fprintf(out, "ad-hoc:   %" PRIu64 " events, weight %" PRIu64
		    "\n", p->ad_events, p->ad_weight);
	report_anomalies(out, p, "anomalies: ");
	report_nested(out, p, "nested:   ");
	print_sites(out, v, shown);
}

/*
 * One stack line: "function (file:line)", "function (module+0x1a2b)"
 * without a source line, "module+0x1a2b" without a name; " [inlined]"
 * when the function was inlined into the next line's.  A row of
 * --group-by=function is a function: "function (file)".  `mark` puts
 * "  > " before the line where the program's own code called into a
 * system library.
 */
static void
print_line(FILE *out, struct report_view *v, const struct report_line *l,
    int mark)
{
	const struct profile *p = v->p;
	const struct prof_loc *loc;
	char raw[256];

	report_frame_raw(p, &p->frames[l->frame], raw, sizeof raw);
	fputs(mark ? "  > " : "    ", out);
	if (l->loc == NO_LOC) {
		put_text(out, raw);
		fputc('\n', out);
		return;
	}
	loc = &p->locs[l->loc];
	put_text(out, report_function(v, loc->function));
	fputs(" (", out);
	if (loc->file) {
		put_text(out, report_path(v, loc->file));
		if (v->o->group_by != GROUP_FUNCTION)
			fprintf(out, ":%" PRIu32, loc->line);
	} else {
		put_text(out, raw);
	}
	fprintf(out, ")%s\n", l->inlined ? " [inlined]" : "");
}

/*
 * "    ... 3 frames in libc.so.6": lines [from, to) of the view, by what
 * they are (report_line_system), at most three names.
 */
static void
print_elided(FILE *out, struct report_view *v, size_t from, size_t to)
{
	const char *seen[3], *name;
	size_t i, k, nseen = 0;

	for (i = from; i < to; i++) {
		name = report_line_system(v, &v->lines[i]);
		if (name == NULL)
			name = report_line_class(v, &v->lines[i]) ==
			    FRAME_PLUMBING ? "the allocator" : "the program";
		for (k = 0; k < nseen && strcmp(seen[k], name) != 0; k++)
			;
		if (k == nseen && nseen < 3)
			seen[nseen++] = name;
	}
	fprintf(out, "    ... %zu frame%s in ", to - from, to - from == 1 ?
	    "" : "s");
	for (k = 0; k < nseen; k++) {
		if (k > 0)
			fputs(", ", out);
		put_text(out, seen[k]);
	}
	fputc('\n', out);
}

/*
 * Print up to `depth` lines of the stack.  The program's own first line
 * is always among them, marked when system frames come before it; those
 * that do not fit are elided into one line, all but the last, the call
 * into the library.
 */
static void
print_stack(FILE *out, struct report_view *v, const struct report_row *r,
    size_t depth)
{
	size_t i = 0, shown = 0;

	if (depth != 0 && r->own < r->nlines && r->own >= depth) {
		i = depth >= 3 ? r->own - 1 : r->own;
		if (depth >= 2) {
			print_elided(out, v, r->first, r->first + i);
			shown++;
		}
	}
	for (; i < r->nlines; i++) {
		if (depth && shown >= depth) {
			fprintf(out, "    ...\n");
			return;
		}
		print_line(out, v, &v->lines[r->first + i], i > 0 &&
		    i == r->own);
		shown++;
	}
	if ((r->flags & PROF_SITE_TRUNCATED) &&
	    v->o->group_by != GROUP_FUNCTION)
		fprintf(out, "    ... (stack truncated)\n");
}

/* The average weight to a tenth: weights are often small counts. */
static void
avg_weight(char *buf, size_t len, const struct prof_stats *st)
{
	unsigned __int128 tenths;

	if (st->tbk == 0) {
		snprintf(buf, len, "0");
		return;
	}
	tenths = ((unsigned __int128)st->tb * 10 + st->tbk / 2) / st->tbk;
	snprintf(buf, len, "%" PRIu64 ".%u", (uint64_t)(tenths / 10),
	    (unsigned)(tenths % 10));
}

/* Ad-hoc events: DHAT's ad-hoc mode, where tb is weight and tbk events. */
static void
fmt_text_ad_hoc(FILE *out, const struct profile *p,
    const struct report_opts *o)
{
	char c[3][48];
	const struct prof_stats *st;
	struct report_view v;
	size_t shown, i;

	report_view_init(&v, p, o);
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	print_header(out, p, &v, shown);
	fprintf(out, "%12s %20s %14s\n", "events", "weight", "avg weight");
	for (i = 0; i < shown; i++) {
		st = &v.rows[i].st;
		snprintf(c[0], sizeof c[0], "%" PRIu64, st->tbk);
		snprintf(c[1], sizeof c[1], "%" PRIu64, st->tb);
		avg_weight(c[2], sizeof c[2], st);
		fprintf(out, "%12s %20s %14s\n", c[0], c[1], c[2]);
		print_stack(out, &v, &v.rows[i], o->depth);
	}
	report_view_release(&v);
}

/*
 * --percentiles: the averages' columns give way to the median and 90th
 * percentile of sizes and of lifetimes, "-" where the profile has no
 * distributions; 93 columns.
 */
static void
fmt_text_percentiles(FILE *out, const struct profile *p,
    const struct report_opts *o)
{
	static const unsigned pcts[2] = { 50, 90 };
	char c[8][32];
	const struct report_row *r;
	struct report_view v;
	size_t shown, i, k;

	report_view_init(&v, p, o);
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	print_header(out, p, &v, shown);
	fprintf(out, "%12s %10s %10s %10s %10s %10s %12s %12s\n", "total",
	    "blocks", "p50 size", "p90 size", "p50 life", "p90 life",
	    "at peak", "at exit");
	for (i = 0; i < shown; i++) {
		r = &v.rows[i];
		size_col(c[0], sizeof c[0], r->st.tb, o);
		snprintf(c[1], sizeof c[1], "%" PRIu64, r->st.tbk);
		for (k = 0; k < 2; k++) {
			if (!p->has_dist) {
				strcpy(c[2 + k], "-");
				strcpy(c[4 + k], "-");
				continue;
			}
			size_col(c[2 + k], sizeof c[2 + k],
			    profile_size_percentile(&r->dist, &r->st, pcts[k]),
			    o);
			format_duration(c[4 + k], sizeof c[4 + k],
			    profile_life_percentile(p, &r->dist, &r->st,
			    pcts[k]));
		}
		size_col(c[6], sizeof c[6], r->st.gb, o);
		size_col(c[7], sizeof c[7], r->st.eb, o);
		fprintf(out, "%12s %10s %10s %10s %10s %10s %12s %12s\n", c[0],
		    c[1], c[2], c[3], c[4], c[5], c[6], c[7]);
		print_stack(out, &v, r, o->depth);
	}
	report_view_release(&v);
}

void
fmt_text(FILE *out, const struct profile *p, const struct report_opts *o)
{
	char c[6][32];
	const struct prof_stats *st;
	struct report_view v;
	size_t shown, i;

	if (o->ad_hoc) {
		fmt_text_ad_hoc(out, p, o);
		return;
	}
	if (o->percentiles) {
		fmt_text_percentiles(out, p, o);
		return;
	}
	report_view_init(&v, p, o);
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	print_header(out, p, &v, shown);
	fprintf(out, "%12s %10s %10s %10s %12s %12s\n", "total", "blocks",
	    "avg size", "avg life", "at peak", "at exit");
	for (i = 0; i < shown; i++) {
		st = &v.rows[i].st;
		size_col(c[0], sizeof c[0], st->tb, o);
		snprintf(c[1], sizeof c[1], "%" PRIu64, st->tbk);
		size_col(c[2], sizeof c[2], st->tbk ? st->tb / st->tbk : 0, o);
		format_duration(c[3], sizeof c[3], st->tbk ? st->tl / st->tbk : 0);
		size_col(c[4], sizeof c[4], st->gb, o);
		size_col(c[5], sizeof c[5], st->eb, o);
		fprintf(out, "%12s %10s %10s %10s %12s %12s\n", c[0], c[1], c[2],
		    c[3], c[4], c[5]);
		print_stack(out, &v, &v.rows[i], o->depth);
	}
	report_view_release(&v);
}
