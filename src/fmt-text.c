/*
 * fmt-text.c - the text report: a header, then one row per site with its
 * call stack beneath, laid out for a 100-column terminal.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "report.h"
#include "units.h"

static void
size_col(char *buf, size_t len, uint64_t v, const struct report_opts *o)
{
	format_size(buf, len, v, o->exact_bytes);
}

static void
print_header(FILE *out, const struct profile *p, const struct report_opts *o,
    size_t shown, size_t nsites)
{
	char total[32], peak[32], end[32], dur[32], when[32];
	const struct anomalies *a = &p->anomalies;
	struct tm tm;
	time_t t = (time_t)p->start_time;

	size_col(total, sizeof total, p->total_bytes, o);
	size_col(peak, sizeof peak, p->peak_bytes, o);
	size_col(end, sizeof end, p->end_bytes, o);
	format_duration(dur, sizeof dur, p->duration);
	strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tm));
	fprintf(out, "command:  %s\n", profile_str(p, p->command));
	fprintf(out, "pid:      %" PRIu32 ", started %s, ran %s, ", p->pid,
	    when, dur);
	if (p->exit_signal != 0)
		fprintf(out, "killed by signal %d\n", p->exit_signal);
	else if (p->exit_code >= 0)
		fprintf(out, "exit status %d\n", p->exit_code);
	else	/* a --children process: not heapprof's child to wait for */
		fprintf(out, "exit status unknown\n");
	fprintf(out, "total:    %s in %" PRIu64 " blocks\n", total,
	    p->total_blocks);
	format_duration(dur, sizeof dur, p->peak_time);
	fprintf(out, "peak:     %s in %" PRIu64 " blocks, at %s\n", peak,
	    p->peak_blocks, dur);
	fprintf(out, "at exit:  %s in %" PRIu64 " blocks\n", end,
	    p->end_blocks);
	if (a->unknown_free || a->unknown_realloc || a->live_realloc ||
	    a->bad_record)
		fprintf(out, "anomalies: %" PRIu64 " frees of unknown blocks, %"
		    PRIu64 " reallocs of unknown blocks, %" PRIu64
		    " allocations at a live address, %" PRIu64
		    " malformed events\n", a->unknown_free,
		    a->unknown_realloc, a->live_realloc, a->bad_record);
	fprintf(out, "sites:    %zu, showing %zu by %s\n\n", nsites, shown,
	    report_sort_name(o->sort));
}

/* Print up to `depth` lines of the stack; inline frames count as lines. */
static void
print_stack(FILE *out, const struct profile *p, const struct prof_site *s,
    size_t depth)
{
	const struct prof_frame *f;
	const struct prof_loc *l;
	size_t lines = 0, i, k;
	char raw[128];

	for (i = 0; i < s->nframes; i++) {
		f = &p->frames[p->stack_frames[s->first + i]];
		if (f->nlocs == 0) {
			if (depth && lines++ >= depth)
				goto more;
			report_frame_raw(p, f, raw, sizeof raw);
			fprintf(out, "    %s\n", raw);
			continue;
		}
		for (k = 0; k < f->nlocs; k++) {
			if (depth && lines++ >= depth)
				goto more;
			l = &p->locs[f->first_loc + k];
			fprintf(out, "    %s", l->function ?
			    profile_str(p, l->function) : "??");
			if (l->file)
				fprintf(out, " (%s:%" PRIu32 ")",
				    profile_str(p, l->file), l->line);
			else {
				report_frame_raw(p, f, raw, sizeof raw);
				fprintf(out, " (%s)", raw);
			}
			fprintf(out, "%s\n", k + 1 < f->nlocs ? " [inlined]" : "");
		}
	}
	if (s->flags & PROF_SITE_TRUNCATED)
		fprintf(out, "    ... (stack truncated)\n");
	return;
more:
	fprintf(out, "    ...\n");
}

void
fmt_text(FILE *out, const struct profile *p, const struct report_opts *o)
{
	char c[6][32];
	const struct prof_stats *st;
	size_t n, shown, i;
	size_t *order = report_order(p, STATS_OWN, o->sort, &n);

	shown = o->top && o->top < n ? o->top : n;
	print_header(out, p, o, shown, n);
	fprintf(out, "%12s %10s %10s %10s %12s %12s\n", "total", "blocks",
	    "avg size", "avg life", "at peak", "at exit");
	for (i = 0; i < shown; i++) {
		st = &p->sites[order[i]].st[STATS_OWN];
		size_col(c[0], sizeof c[0], st->tb, o);
		snprintf(c[1], sizeof c[1], "%" PRIu64, st->tbk);
		size_col(c[2], sizeof c[2], st->tbk ? st->tb / st->tbk : 0, o);
		format_duration(c[3], sizeof c[3], st->tbk ? st->tl / st->tbk : 0);
		size_col(c[4], sizeof c[4], st->gb, o);
		size_col(c[5], sizeof c[5], st->eb, o);
		fprintf(out, "%12s %10s %10s %10s %12s %12s\n", c[0], c[1], c[2],
		    c[3], c[4], c[5]);
		print_stack(out, p, &p->sites[order[i]], o->depth);
	}
	free(order);
}
