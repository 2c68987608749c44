/*
 * fmt-markdown.c - the report as a Markdown document, for a pull request
 * or a CI summary: the environment, the totals and the top sites as
 * tables (GitHub Flavored Markdown), one line per site, its call site.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "units.h"
#include "xmalloc.h"

static void
fence(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc('`', out);
}

/*
 * A string from the profile as a code span in a table cell, so that no
 * character in it is Markdown (emphasis, HTML, links, math, emoji):
 * control characters escaped as in the text report, the fence one
 * backtick longer than any run of them inside.  A table splits its row
 * at '|' before it looks for code spans, so '|' is written "\|", and a
 * backslash before it as "\x5c" (as a byte the report cannot show),
 * since "\\|" would end the cell.
 */
static void
put_code(FILE *out, const char *s)
{
	char *e = report_escape(s);
	size_t n = strlen(e), run = 0, longest = 0, i;
	int pad;

	if (n == 0) {
		free(e);
		return;
	}
	for (i = 0; i < n; i++) {
		run = e[i] == '`' ? run + 1 : 0;
		if (run > longest)
			longest = run;
	}
	/* One space each side is taken off such a span's content. */
	pad = e[0] == '`' || e[n - 1] == '`' || (e[0] == ' ' &&
	    e[n - 1] == ' ' && strspn(e, " ") != n);
	fence(out, longest + 1);
	if (pad)
		fputc(' ', out);
	for (i = 0; i < n; i++) {
		if (e[i] == '\\' && e[i + 1] == '|')
			fputs("\\x5c", out);
		else if (e[i] == '|')
			fputs("\\|", out);
		else
			fputc(e[i], out);
	}
	if (pad)
		fputc(' ', out);
	fence(out, longest + 1);
	free(e);
}

/* As the text report's stack lines: `function` (`file:line`). */
static void
put_site(FILE *out, struct report_view *v, const struct report_line *l)
{
	const struct profile *p = v->p;
	const struct prof_loc *loc;
	const char *path;
	char raw[256], *at;
	size_t len;

	if (l == NULL) {
		fputs("(no stack)", out);
		return;
	}
	report_frame_raw(p, &p->frames[l->frame], raw, sizeof raw);
	if (l->loc == NO_LOC) {
		put_code(out, raw);
		return;
	}
	loc = &p->locs[l->loc];
	put_code(out, report_function(v, loc->function));
	fputs(" (", out);
	if (loc->file) {
		path = report_path(v, loc->file);
		len = strlen(path) + 12;
		at = xmalloc(len);
		snprintf(at, len, "%s:%" PRIu32, path, loc->line);
		put_code(out, at);
		free(at);
	} else {
		put_code(out, raw);
	}
	fputc(')', out);
}

static void
summary_row(FILE *out, const char *what, uint64_t blocks, uint64_t bytes,
    const struct report_opts *o)
{
	char size[32];

	format_size(size, sizeof size, bytes, o->exact_bytes);
	fprintf(out, "| %s | %" PRIu64 " | %s |\n", what, blocks, size);
}

void
fmt_markdown(FILE *out, const struct profile *p, const struct report_opts *o)
{
	char c[3][32], when[48];
	const struct prof_stats *st;
	struct report_view v;
	size_t shown, i;

	report_view_init(&v, p, o, STATS_OWN);
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	format_time(when, sizeof when, p->start_time, 1);
	fputs("# Heap Profile\n\n## Environment\n\n"
	    "| Property | Value |\n|---|---|\n| Mode | heap |\n| Command | ", out);
	put_code(out, profile_str(p, p->command));
	fprintf(out, " |\n| Date | %s |\n| heapprof | %s |\n\n", when,
	    PACKAGE_VERSION);

	fputs("## Allocation Summary\n\n"
	    "| Metric | Blocks | Bytes |\n|---|--:|--:|\n", out);
	summary_row(out, "Total allocated", p->total_blocks, p->total_bytes, o);
	summary_row(out, "Peak live", p->peak_blocks, p->peak_bytes, o);
	summary_row(out, "Live at exit", p->end_blocks, p->end_bytes, o);
	fputc('\n', out);
	if (report_anomalies(out, p, "Anomalies: "))
		fputc('\n', out);

	fprintf(out, "## Top Allocation Sites\n\nShowing %zu of %zu sites, "
	    "sorted by %s.\n\n", shown, v.nrows, report_sort_name(o->sort));
	if (shown != 0)
		fputs("| Rank | Call site | Blocks | Bytes | Average size |\n"
		    "|--:|---|--:|--:|--:|\n", out);
	for (i = 0; i < shown; i++) {
		st = &v.rows[i].st;
		snprintf(c[0], sizeof c[0], "%" PRIu64, st->tbk);
		format_size(c[1], sizeof c[1], st->tb, o->exact_bytes);
		format_size(c[2], sizeof c[2], st->tbk ? st->tb / st->tbk : 0,
		    o->exact_bytes);
		fprintf(out, "| %zu | ", i + 1);
		put_site(out, &v, v.rows[i].nlines == 0 ? NULL :
		    &v.lines[report_own_line(&v, &v.rows[i])]);
		fprintf(out, " | %s | %s | %s |\n", c[0], c[1], c[2]);
	}
	report_view_release(&v);
}
