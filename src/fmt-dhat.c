/* SPDX-License-Identifier: MIT */
/*
 * fmt-dhat.c - JSON in valgrind DHAT's file format (dhatFileVersion 2,
 * heap or ad-hoc mode; "File format notes" in valgrind's dhat/dh_main.c),
 * so that a profile opens in DHAT's viewer (dh_view.html).  Its program
 * points are the rows of the view every format prints, so by default the
 * viewer shows each site as the text report does; with --as-dhat both use
 * DHAT's realloc convention, and the JSON can be compared with
 * `valgrind --tool=dhat`'s.
 * Times are nanoseconds where DHAT counts instructions; access counts are
 * not collected, so "bkacc" is false and no rb/wb fields are written.
 * Ad-hoc events are written as DHAT's --mode=ad-hoc writes them: tb is
 * the weight, tbk the events, and there are no block lifetimes ("bklt"
 * false, no t-gmax and no mb..ebk).
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "report.h"
#include "xmalloc.h"

/*
 * One ftbl entry per location, inline frames included, DHAT's spelling;
 * with --group-by=function a function, "0x1a2b: fn (file)", as the text
 * report has it.
 */
static void
frame_entry(FILE *out, struct report_view *v, const struct prof_frame *f,
    const struct prof_loc *l)
{
	char raw[256], buf[8192];
	const char *fn;

	report_frame_raw(v->p, f, raw, sizeof raw);
	if (l == NULL) {
		snprintf(buf, sizeof buf, "0x%llx: %s",
		    (unsigned long long)f->offset, raw);
	} else {
		fn = l->function ? report_function(v, l->function) : "???";
		if (l->file && v->o->group_by == GROUP_FUNCTION)
			snprintf(buf, sizeof buf, "0x%llx: %s (%s)",
			    (unsigned long long)f->offset, fn,
			    report_path(v, l->file));
		else if (l->file)
			snprintf(buf, sizeof buf, "0x%llx: %s (%s:%" PRIu32 ")",
			    (unsigned long long)f->offset, fn,
			    report_path(v, l->file), l->line);
		else
			snprintf(buf, sizeof buf, "0x%llx: %s (in %s)",
			    (unsigned long long)f->offset, fn, raw);
	}
	json_string(out, buf, 0);
}

void
fmt_dhat(FILE *out, const struct profile *p, const struct report_opts *o)
{
	struct report_view v;
	size_t i, j, k, next = 1;
	/* Each frame's first ftbl index; frames enter ftbl in order of use. */
	size_t *ftbl_index = xcalloc(p->nframes + 1, sizeof *ftbl_index);
	size_t *ftbl_order = xcalloc(p->nframes + 1, sizeof *ftbl_order);
	size_t nused = 0;
	const struct report_row *r;
	const struct report_line *l;
	const struct prof_stats *st;
	const struct prof_frame *f;

	report_view_init(&v, p, o);
	if (o->ad_hoc)
		fprintf(out, "{\"dhatFileVersion\":2,\"mode\":\"ad-hoc\","
		    "\"verb\":\"Occurred\",\"bklt\":false,\"bkacc\":false,"
		    "\"bu\":\"unit\",\"bsu\":\"units\",\"bksu\":\"events\","
		    "\"tu\":\"ns\",\"Mtu\":\"ms\",\"cmd\":");
	else
		fprintf(out, "{\"dhatFileVersion\":2,\"mode\":\"heap\","
		    "\"verb\":\"Allocated\",\"bklt\":true,\"bkacc\":false,"
		    "\"tu\":\"ns\",\"Mtu\":\"ms\",\"tuth\":1000,\"cmd\":");
	json_string(out, profile_str(p, p->command), 0);
	fprintf(out, ",\"pid\":%" PRIu32 ",\"te\":%" PRIu64, p->pid,
	    p->duration);
	if (!o->ad_hoc)
		fprintf(out, ",\"tg\":%" PRIu64, p->peak_time);
	fprintf(out, ",\n\"pps\":[");
	for (i = 0; i < v.nrows; i++) {
		r = &v.rows[i];
		st = &r->st;
		if (o->ad_hoc)
			fprintf(out, "%s\n{\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64
			    ",\"fs\":[", i ? "," : "", st->tb, st->tbk);
		else
			fprintf(out, "%s\n{\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64
			    ",\"tl\":%" PRIu64 ",\"mb\":%" PRIu64 ",\"mbk\":%"
			    PRIu64 ",\"gb\":%" PRIu64 ",\"gbk\":%" PRIu64
			    ",\"eb\":%" PRIu64 ",\"ebk\":%" PRIu64 ",\"fs\":[",
			    i ? "," : "", st->tb, st->tbk, st->tl, st->mb,
			    st->mbk, st->gb, st->gbk, st->eb, st->ebk);
		for (j = 0; j < r->nlines; j++) {
			l = &v.lines[r->first + j];
			f = &p->frames[l->frame];
			if (ftbl_index[l->frame] == 0) {
				ftbl_index[l->frame] = next;
				next += f->nlocs ? f->nlocs : 1;
				ftbl_order[nused++] = l->frame;
			}
			fprintf(out, "%s%zu", j ? "," : "",
			    ftbl_index[l->frame] + (l->loc == NO_LOC ? 0 :
			    l->loc - f->first_loc));
		}
		fprintf(out, "]}");
	}
	fprintf(out, "\n],\n\"ftbl\":[\n\"[root]\"");
	for (i = 0; i < nused; i++) {
		f = &p->frames[ftbl_order[i]];
		if (f->nlocs == 0) {
			fputs(",\n", out);
			frame_entry(out, &v, f, NULL);
		}
		for (k = 0; k < f->nlocs; k++) {
			fputs(",\n", out);
			frame_entry(out, &v, f, &p->locs[f->first_loc + k]);
		}
	}
	fprintf(out, "\n]\n}\n");
	free(ftbl_index);
	free(ftbl_order);
	report_view_release(&v);
}
