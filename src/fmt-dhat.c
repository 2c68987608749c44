/*
 * fmt-dhat.c - JSON in valgrind DHAT's file format (dhatFileVersion 2,
 * heap mode; "File format notes" in valgrind's dhat/dh_main.c), so that a
 * profile opens in DHAT's viewer (dh_view.html) and can be compared with
 * `valgrind --tool=dhat`.  It uses the DHAT realloc convention's numbers.
 * Times are nanoseconds where DHAT counts instructions; access counts are
 * not collected, so "bkacc" is false and no rb/wb fields are written.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "xmalloc.h"

static void
json_string(FILE *out, const char *s)
{
	const unsigned char *c;

	fputc('"', out);
	for (c = (const unsigned char *)s; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			fprintf(out, "\\%c", *c);
		else if (*c < 0x20)
			fprintf(out, "\\u%04x", *c);
		else
			fputc(*c, out);
	}
	fputc('"', out);
}

/* One ftbl entry per location, inline frames included, DHAT's spelling. */
static void
frame_entry(FILE *out, const struct profile *p, const struct prof_frame *f,
    const struct prof_loc *l)
{
	char raw[128], buf[4096];
	const char *fn;

	report_frame_raw(p, f, raw, sizeof raw);
	if (l == NULL) {
		snprintf(buf, sizeof buf, "0x%llx: %s",
		    (unsigned long long)f->offset, raw);
	} else {
		fn = l->function ? profile_str(p, l->function) : "???";
		if (l->file)
			snprintf(buf, sizeof buf, "0x%llx: %s (%s:%" PRIu32 ")",
			    (unsigned long long)f->offset, fn,
			    profile_str(p, l->file), l->line);
		else
			snprintf(buf, sizeof buf, "0x%llx: %s (in %s)",
			    (unsigned long long)f->offset, fn, raw);
	}
	json_string(out, buf);
}

void
fmt_dhat(FILE *out, const struct profile *p, const struct report_opts *o)
{
	size_t n, i, j, k, next = 1;
	size_t *order = report_order(p, STATS_DHAT, o->sort, &n);
	/* Each frame's first ftbl index; frames enter ftbl in order of use. */
	size_t *ftbl_index = xcalloc(p->nframes + 1, sizeof *ftbl_index);
	size_t *ftbl_order = xcalloc(p->nframes + 1, sizeof *ftbl_order);
	size_t nused = 0;
	const struct prof_site *s;
	const struct prof_stats *st;
	const struct prof_frame *f;
	uint32_t fid;

	fprintf(out, "{\"dhatFileVersion\":2,\"mode\":\"heap\","
	    "\"verb\":\"Allocated\",\"bklt\":true,\"bkacc\":false,"
	    "\"tu\":\"ns\",\"Mtu\":\"ms\",\"tuth\":1000,\"cmd\":");
	json_string(out, profile_str(p, p->command));
	fprintf(out, ",\"pid\":%" PRIu32 ",\"te\":%" PRIu64 ",\"tg\":%" PRIu64
	    ",\n\"pps\":[", p->pid, p->duration, p->peak_time);
	for (i = 0; i < n; i++) {
		s = &p->sites[order[i]];
		st = &s->st[STATS_DHAT];
		fprintf(out, "%s\n{\"tb\":%" PRIu64 ",\"tbk\":%" PRIu64
		    ",\"tl\":%" PRIu64 ",\"mb\":%" PRIu64 ",\"mbk\":%" PRIu64
		    ",\"gb\":%" PRIu64 ",\"gbk\":%" PRIu64 ",\"eb\":%" PRIu64
		    ",\"ebk\":%" PRIu64 ",\"fs\":[", i ? "," : "", st->tb,
		    st->tbk, st->tl, st->mb, st->mbk, st->gb, st->gbk, st->eb,
		    st->ebk);
		for (j = 0; j < s->nframes; j++) {
			fid = p->stack_frames[s->first + j];
			f = &p->frames[fid];
			if (ftbl_index[fid] == 0) {
				ftbl_index[fid] = next;
				next += f->nlocs ? f->nlocs : 1;
				ftbl_order[nused++] = fid;
			}
			for (k = 0; k < (f->nlocs ? f->nlocs : 1); k++)
				fprintf(out, "%s%zu", j || k ? "," : "",
				    ftbl_index[fid] + k);
		}
		fprintf(out, "]}");
	}
	fprintf(out, "\n],\n\"ftbl\":[\n\"[root]\"");
	for (i = 0; i < nused; i++) {
		f = &p->frames[ftbl_order[i]];
		if (f->nlocs == 0) {
			fputs(",\n", out);
			frame_entry(out, p, f, NULL);
		}
		for (k = 0; k < f->nlocs; k++) {
			fputs(",\n", out);
			frame_entry(out, p, f, &p->locs[f->first_loc + k]);
		}
	}
	fprintf(out, "\n]\n}\n");
	free(ftbl_index);
	free(ftbl_order);
	free(order);
}
