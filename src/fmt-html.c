/* SPDX-License-Identifier: MIT */
/*
 * fmt-html.c - one self-contained HTML page: the template compiled in
 * from data/report.{html,css,js} (src/embed.awk) with the profile put in
 * where it says @DATA@, as one JSON object that the page's script reads:
 *
 *   { "command": "./demo", "pid": 42, "start": 1764475401 (Unix s),
 *     "duration": 1200000 (ns), "exit": "exit status 0",
 *     "total": [bytes, blocks], "peak": [bytes, blocks, ns],
 *     "end": [bytes, blocks], "anomalies": "..." or null,
 *     "failures": ["text of a failed HEAPPROF_ASSERT", ...],
 *     "frames": [ {"f": "function", "w": "file:line" or "lib.so+0x1a2b",
 *                  "i": 1 when inlined into the next frame}, ... ],
 *     "sites": [ {"tb":...,"tbk":...,"tl":...,"mb":...,"gb":...,"eb":...,
 *                 "n": profile sites merged into the row,
 *                 "s": [frame indices, innermost first],
 *                 "o": index in s of the program's own frame,
 *                 "t": 1 when the agent cut the stack short,
 *                 "hs": [blocks per log2 bucket of size],
 *                 "hl": [blocks per log2 bucket of lifetime],
 *                 "ps": [median, 90th percentile size in bytes],
 *                 "pl": [median, 90th percentile lifetime in ns]}, ... ],
 *     "series": [[ns, lowest, highest live bytes], ...],
 *     "lifeb": [the ns where each lifetime bucket starts] }
 *
 * The histograms (stats.h's buckets, cut after the last that is not
 * empty), the percentiles (as the text report has them), "series" and
 * "lifeb" are there only when the profile has them (format 6 on); the
 * histograms and percentiles count heapprof's way, so not --as-dhat.
 *
 * Sites are the view's rows (report_view), in --sort order, with whole
 * stacks.  Strings are escaped so that no "</script>" can end the element
 * early.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "xmalloc.h"

/* src/report-template.c, generated from data/report.html. */
extern const char report_template[];

static void
put_string(FILE *out, const char *s)
{
	json_string(out, s, JSON_HTML);
}

/* {"f":"function","w":"file:line"} for line l; "i" when inlined. */
static void
put_frame(FILE *out, struct report_view *v, const struct report_line *l)
{
	const struct profile *p = v->p;
	const struct prof_loc *loc = l->loc != NO_LOC ? &p->locs[l->loc] : NULL;
	char raw[256], *where;

	report_frame_raw(p, &p->frames[l->frame], raw, sizeof raw);
	fputs("{\"f\":", out);
	put_string(out, loc != NULL && loc->function != 0 ?
	    report_function(v, loc->function) : raw);
	fputs(",\"w\":", out);
	if (loc != NULL && loc->file != 0) {
		where = xmalloc(strlen(report_path(v, loc->file)) + 16);
		sprintf(where, "%s:%" PRIu32, report_path(v, loc->file),
		    loc->line);
		put_string(out, where);
		free(where);
	} else {
		put_string(out, raw);
	}
	fprintf(out, "%s}", l->inlined ? ",\"i\":1" : "");
}

/*
 * The table of the frames the rows show, each once; ids[] maps a location
 * (or a frame without one, after the locations) to its index + 1.
 */
static void
put_frames(FILE *out, struct report_view *v, uint32_t *ids)
{
	const struct report_row *r;
	const struct report_line *l;
	uint32_t next = 0, *id;
	size_t i, j;

	fputs(",\n\"frames\":[", out);
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		for (j = 0; j < r->nlines; j++) {
			l = &v->lines[r->first + j];
			id = l->loc != NO_LOC ? &ids[l->loc] :
			    &ids[v->p->nlocs + l->frame];
			if (*id != 0)
				continue;
			*id = ++next;
			fputs(next > 1 ? ",\n" : "\n", out);
			put_frame(out, v, l);
		}
	}
	fputs("]", out);
}

/*
 * A row's distributions, or NULL if the profile has none; they count
 * heapprof's way, so --as-dhat has none.
 */
static const struct prof_dist *
row_dist(const struct profile *p, const struct report_opts *o,
    const struct report_row *r)
{
	if (!p->has_dist || o->as_dhat)
		return NULL;
	return &r->dist;
}

/* ,"name":[counts] up to the last bucket that is not empty. */
static void
put_hist(FILE *out, const char *name, const uint32_t *h)
{
	size_t n = DIST_BUCKETS, k;

	while (n > 0 && h[n - 1] == 0)
		n--;
	fprintf(out, ",\"%s\":[", name);
	for (k = 0; k < n; k++)
		fprintf(out, "%s%" PRIu32, k ? "," : "", h[k]);
	fputs("]", out);
}

/* Live bytes over time, and where lifetime buckets start in ns. */
static void
put_series(FILE *out, const struct profile *p)
{
	const struct prof_point *pt;
	size_t i;

	if (p->ntimeline > 0) {
		fputs(",\n\"series\":[", out);
		for (i = 0; i < p->ntimeline; i++) {
			pt = &p->timeline[i];
			fprintf(out, "%s[%" PRIu64 ",%" PRIu64 ",%" PRIu64 "]",
			    i ? "," : "", pt->time, pt->lo, pt->hi);
		}
		fputs("]", out);
	}
	if (p->has_dist) {
		fputs(",\n\"lifeb\":[", out);
		for (i = 0; i < DIST_BUCKETS; i++)
			fprintf(out, "%s%" PRIu64, i ? "," : "",
			    profile_ticks_ns(p, dist_lower((unsigned)i)));
		fputs("]", out);
	}
}

static void
put_sites(FILE *out, struct report_view *v, const uint32_t *ids)
{
	const struct profile *p = v->p;
	const struct report_row *r;
	const struct report_line *l;
	const struct prof_dist *d;
	size_t i, j;

	fputs(",\n\"sites\":[", out);
	for (i = 0; i < v->nrows; i++) {
		r = &v->rows[i];
		fprintf(out, "%s\n{\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64
		    ",\"tl\":%" PRIu64 ",\"mb\":%" PRIu64 ",\"gb\":%" PRIu64
		    ",\"eb\":%" PRIu64 ",\"n\":%zu,\"o\":%zu,\"s\":[",
		    i ? "," : "", r->st.tb, r->st.tbk, r->st.tl, r->st.mb,
		    r->st.gb, r->st.eb, r->nsites,
		    r->nlines ? report_own_line(v, r) - r->first : 0);
		for (j = 0; j < r->nlines; j++) {
			l = &v->lines[r->first + j];
			fprintf(out, "%s%" PRIu32, j ? "," : "",
			    (l->loc != NO_LOC ? ids[l->loc] :
			    ids[p->nlocs + l->frame]) - 1);
		}
		fputs(r->flags & PROF_SITE_TRUNCATED ? "],\"t\":1" : "]", out);
		d = row_dist(p, v->o, r);
		if (d != NULL) {
			put_hist(out, "hs", d->size);
			put_hist(out, "hl", d->life);
			fprintf(out, ",\"ps\":[%" PRIu64 ",%" PRIu64 "],\"pl\":[%"
			    PRIu64 ",%" PRIu64 "]",
			    profile_size_percentile(d, &r->st, 50),
			    profile_size_percentile(d, &r->st, 90),
			    profile_life_percentile(p, d, &r->st, 50),
			    profile_life_percentile(p, d, &r->st, 90));
		}
		fputs("}", out);
	}
	fputs("]", out);
}

/* The anomalies line of the text report, or null. */
static void
put_anomalies(FILE *out, const struct profile *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&text, &len);
	int any;

	any = m != NULL && report_anomalies(m, p, "");
	if (m != NULL && fclose(m) != 0)
		any = 0;
	if (any) {
		text[strcspn(text, "\n")] = '\0';
		put_string(out, text);
	} else {
		fputs("null", out);
	}
	free(text);
}

static void
put_data(FILE *out, const struct profile *p, const struct report_opts *o)
{
	struct report_view v;
	uint32_t *ids;
	const char *exit_how;
	char buf[64];
	size_t i;

	report_view_init(&v, p, o);
	fputs("{\"command\":", out);
	put_string(out, profile_str(p, p->command));
	if (p->exit_signal != 0) {
		snprintf(buf, sizeof buf, "killed by signal %d", p->exit_signal);
		exit_how = buf;
	} else if (p->exit_code >= 0) {
		snprintf(buf, sizeof buf, "exit status %d", p->exit_code);
		exit_how = buf;
	} else {
		exit_how = "exit status unknown";
	}
	fprintf(out, ",\"pid\":%" PRIu32 ",\"start\":%" PRId64 ",\"duration\":%"
	    PRIu64 ",\"exit\":", p->pid, p->start_time, p->duration);
	put_string(out, exit_how);
	fprintf(out, ",\n\"total\":[%" PRIu64 ",%" PRIu64 "],\"peak\":[%"
	    PRIu64 ",%" PRIu64 ",%" PRIu64 "],\"end\":[%" PRIu64 ",%" PRIu64
	    "],\"sort\":", p->total_bytes, p->total_blocks, p->peak_bytes,
	    p->peak_blocks, p->peak_time, p->end_bytes, p->end_blocks);
	put_string(out, report_sort(o)->name);
	fputs(",\"failures\":[", out);
	for (i = 0; i < p->nfailures; i++) {
		fputs(i ? "," : "", out);
		put_string(out, profile_str(p, p->failures[i]));
	}
	fprintf(out, "],\"failed\":%" PRIu64 ",\"anomalies\":",
	    p->failed_asserts);
	put_anomalies(out, p);
	ids = xcalloc(p->nlocs + p->nframes + 1, sizeof *ids);
	put_frames(out, &v, ids);
	put_sites(out, &v, ids);
	put_series(out, p);
	fputs("}", out);
	free(ids);
	report_view_release(&v);
}

void
fmt_html(FILE *out, const struct profile *p, const struct report_opts *o)
{
	const char *mark = strstr(report_template, "@DATA@");

	if (mark == NULL) {	/* a broken build: the page has no data */
		fputs(report_template, out);
		return;
	}
	fwrite(report_template, 1, (size_t)(mark - report_template), out);
	put_data(out, p, o);
	fputs(mark + strlen("@DATA@"), out);
}
