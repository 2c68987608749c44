/* SPDX-License-Identifier: MIT */
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
#include "tiers.h"
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
		if (v->o->group_by == GROUP_FUNCTION)
			snprintf(at, len, "%s", path);
		else
			snprintf(at, len, "%s:%" PRIu32, path, loc->line);
		put_code(out, at);
		free(at);
	} else {
		put_code(out, raw);
	}
	fputc(')', out);
}

/*
 * A row's call site, its first line in the program's own code; when
 * that called into a system library, what it called, as the text report
 * marks it: `main` (`demo.c:9`) → `puts` in `libc.so.6`.
 */
static void
put_row_site(FILE *out, struct report_view *v, const struct report_row *r)
{
	const struct report_line *l;
	const char *system;

	if (r->nlines == 0) {
		put_site(out, v, NULL);
		return;
	}
	put_site(out, v, &v->lines[report_own_line(v, r)]);
	if (r->own == 0 || r->own >= r->nlines)
		return;
	l = &v->lines[r->first + r->own - 1];
	fputs(" → ", out);
	if (l->loc != NO_LOC)
		put_code(out, report_function(v, v->p->locs[l->loc].function));
	system = report_line_system(v, l);
	if (system != NULL) {
		fputs(l->loc != NO_LOC ? " in " : "", out);
		put_code(out, system);
	}
}

static void
summary_row(FILE *out, const char *what, uint64_t blocks, uint64_t bytes,
    const struct report_opts *o)
{
	char size[32];

	format_size(size, sizeof size, bytes, o->exact_bytes);
	fprintf(out, "| %s | %" PRIu64 " | %s |\n", what, blocks, size);
}

/*
 * A site's tier: that of the first budget whose path holds it, and
 * VIOLATION when that budget failed; empty cells when none does.
 */
static void
site_tier(FILE *out, const struct tiers *t, const struct tier_result *res,
    size_t row)
{
	size_t b, k;

	for (b = 0; b < t->n; b++)
		for (k = 0; k < res[b].nrows; k++)
			if (res[b].rows[k] == row) {
				fputc(' ', out);
				put_code(out, t->b[b].tier[0] != '\0' ?
				    t->b[b].tier : t->b[b].function);
				fprintf(out, " | %s |", res[b].pass ? "PASS" :
				    "VIOLATION");
				return;
			}
	fputs("  |  |", out);
}

/* The tier compliance table, and under it the sites of each failure. */
static void
compliance(FILE *out, struct report_view *v, const struct report_opts *o,
    const struct tier_result *res)
{
	const struct tiers *t = o->tiers;
	const struct report_row *row;
	char size[32];
	size_t b, k;

	fputs("\n## Tier Compliance\n\n| Tier | Path | Budget | Blocks | "
	    "Bytes | Verdict |\n|---|---|---|--:|--:|---|\n", out);
	for (b = 0; b < t->n; b++) {
		fputs("| ", out);
		put_code(out, t->b[b].tier);
		fputs(" | ", out);
		put_code(out, t->b[b].function);
		fputs(" | ", out);
		put_code(out, t->b[b].limits_text);
		format_size(size, sizeof size, res[b].bytes, o->exact_bytes);
		fprintf(out, " | %" PRIu64 " | %s | %s |\n", res[b].blocks,
		    size, res[b].pass ? "PASS" : "FAIL");
	}
	for (b = 0; b < t->n; b++) {
		if (res[b].pass)
			continue;
		fputs("\nViolating sites of ", out);
		put_code(out, t->b[b].function);
		fputs(":\n\n", out);
		for (k = 0; k < res[b].nrows; k++) {
			row = &v->rows[res[b].rows[k]];
			format_size(size, sizeof size, row->st.tb,
			    o->exact_bytes);
			fputs("- ", out);
			put_row_site(out, v, row);
			fprintf(out, ": %" PRIu64 " blocks, %s\n", row->st.tbk,
			    size);
		}
	}
}

void
fmt_markdown(FILE *out, const struct profile *p, const struct report_opts *o)
{
	char c[3][32], when[48];
	const struct prof_stats *st;
	struct report_view v;
	struct tier_result *res;
	size_t shown, i;
	int tiered, function = o->group_by == GROUP_FUNCTION;

	report_view_init(&v, p, o);
	tiered = o->tiers != NULL && o->tiers->n > 0;
	res = tiered ? tiers_measure(o->tiers, &v) : NULL;
	shown = o->top && o->top < v.nrows ? o->top : v.nrows;
	format_time(when, sizeof when, p->start_time, 1);
	fputs("# Heap Profile\n\n", out);
	/* The verdict first, as in the text report. */
	if (p->failed_asserts > 0) {
		fprintf(out, "**FAILED:** %" PRIu64 " heapprof assertion%s\n\n",
		    p->failed_asserts, p->failed_asserts == 1 ? "" : "s");
		for (i = 0; i < p->nfailures; i++) {
			fputs("- ", out);
			put_code(out, profile_str(p, p->failures[i]));
			fputc('\n', out);
		}
		if (p->failed_asserts > p->nfailures)
			fprintf(out, "- (%" PRIu64 " more)\n",
			    p->failed_asserts - p->nfailures);
		fputc('\n', out);
	}
	fputs("## Environment\n\n"
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
	if (report_nested(out, p, "Nested events: "))
		fputc('\n', out);

	fprintf(out, "## Top Allocation Sites\n\nShowing %zu of %zu %s, "
	    "sorted by %s.\n\n", shown, v.nrows, function ? "functions" :
	    "sites", report_sort(o)->name);
	if (shown != 0)
		fprintf(out, "| Rank | %s | Blocks | Bytes | Average size |%s\n"
		    "|--:|---|--:|--:|--:|%s\n", function ? "Function" :
		    "Call site", res != NULL ? " Tier | Budget |" : "",
		    res != NULL ? "---|---|" : "");
	for (i = 0; i < shown; i++) {
		st = &v.rows[i].st;
		snprintf(c[0], sizeof c[0], "%" PRIu64, st->tbk);
		format_size(c[1], sizeof c[1], st->tb, o->exact_bytes);
		format_size(c[2], sizeof c[2], st->tbk ? st->tb / st->tbk : 0,
		    o->exact_bytes);
		fprintf(out, "| %zu | ", i + 1);
		put_row_site(out, &v, &v.rows[i]);
		fprintf(out, " | %s | %s | %s |", c[0], c[1], c[2]);
		if (res != NULL)
			site_tier(out, o->tiers, res, i);
		fputc('\n', out);
	}
	if (res != NULL)
		compliance(out, &v, o, res);
	tiers_results_free(res, tiered ? o->tiers->n : 0);
	report_view_release(&v);
}
