/* SPDX-License-Identifier: MIT */
/*
 * report.c - sorting and naming shared by the output formats, and the
 * view they all print: symbol options applied, sites folded and merged.
 */
#include "config.h"

#include <errno.h>
#include <error.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "frames.h"
#include "names.h"
#include "report.h"
#include "stacktab.h"
#include "xmalloc.h"

/* --- sort keys and formats ------------------------------------------------ */

/* A key's value that is one field of the row's statistics. */
#define BY_FIELD(field)							\
static uint64_t								\
by_##field(const struct profile *p, const struct report_row *r)		\
{									\
	(void)p;							\
	return r->st.field;						\
}

BY_FIELD(tb)
BY_FIELD(tbk)
BY_FIELD(tl)
BY_FIELD(gb)
BY_FIELD(eb)
BY_FIELD(mb)

static uint64_t
by_avg(const struct profile *p, const struct report_row *r)
{
	(void)p;
	return r->st.tbk ? r->st.tb / r->st.tbk : 0;
}

/* Percentiles of the distributions: 0 for a profile without them. */
static uint64_t
by_p50_size(const struct profile *p, const struct report_row *r)
{
	(void)p;
	return profile_size_percentile(&r->dist, &r->st, 50);
}

static uint64_t
by_p90_size(const struct profile *p, const struct report_row *r)
{
	(void)p;
	return profile_size_percentile(&r->dist, &r->st, 90);
}

static uint64_t
by_p50_life(const struct profile *p, const struct report_row *r)
{
	return profile_life_percentile(p, &r->dist, &r->st, 50);
}

static uint64_t
by_p90_life(const struct profile *p, const struct report_row *r)
{
	return profile_life_percentile(p, &r->dist, &r->st, 90);
}

/* An ad-hoc row's tb is its weight and tbk its events (STATS_AD_HOC). */
const struct sort_key sort_keys[] = {
	{ "bytes", "total bytes", 0, by_tb, SORT_SUMS },
	{ "blocks", "total blocks", 0, by_tbk, SORT_SUMS },
	{ "lifetime", "total lifetime", 0, by_tl, SORT_SUMS },
	{ "peak", "bytes at the global peak", 0, by_gb, SORT_SUMS },
	{ "leaked", "bytes live at exit", 0, by_eb, SORT_SUMS },
	{ "max", "the site's own maximum live bytes", 0, by_mb, SORT_SUMS },
	{ "avg-size", "average block size", 0, by_avg, 0 },
	{ "p50-size", "median block size", 0, by_p50_size, SORT_PERCENTILE },
	{ "p90-size", "90th percentile of block sizes", 0, by_p90_size,
	    SORT_PERCENTILE },
	{ "p50-life", "median block lifetime", 0, by_p50_life,
	    SORT_PERCENTILE },
	{ "p90-life", "90th percentile of block lifetimes", 0, by_p90_life,
	    SORT_PERCENTILE },
	{ "weight", "total weight", 1, by_tb, SORT_SUMS },
	{ "events", "number of events", 1, by_tbk, SORT_SUMS },
	{ "avg-weight", "average weight", 1, by_avg, 0 },
	{ NULL, NULL, 0, NULL, 0 },
};

const struct formatter formatters[] = {
	{ "text", "a table of the sites and their stacks", fmt_text,
	    FMT_AD_HOC | FMT_TIERS_AFTER },
	{ "dhat", "JSON for valgrind DHAT's viewer", fmt_dhat, FMT_AD_HOC },
	{ "markdown", "a document for a pull request or a CI summary",
	    fmt_markdown, FMT_TIERS },
	{ "folded", "stacks for flame graphs, weighed by the sort key",
	    fmt_folded,
	    FMT_AD_HOC | FMT_WHOLE | FMT_SUMS },
	{ "html", "a self-contained page: flame graph, timeline, sortable "
	    "sites", fmt_html, FMT_WHOLE },
	{ NULL, NULL, NULL, 0 },
};

const struct sort_key *
sort_key_find(const char *name)
{
	const struct sort_key *k;

	for (k = sort_keys; k->name != NULL; k++)
		if (strcmp(k->name, name) == 0)
			return k;
	return NULL;
}

const struct sort_key *
sort_key_default(int ad_hoc)
{
	const struct sort_key *k;

	for (k = sort_keys; k->ad_hoc != ad_hoc; k++)
		continue;
	return k;
}

const struct sort_key *
report_sort(const struct report_opts *o)
{
	return o->sort != NULL ? o->sort : sort_key_default(o->ad_hoc);
}

const struct formatter *
formatter_find(const char *name)
{
	const struct formatter *f;

	for (f = formatters; f->name != NULL; f++)
		if (strcmp(f->name, name) == 0)
			return f;
	return NULL;
}

/* Append ", name" (or name, first) to buf, cut at len. */
static void
list_add(char *buf, size_t len, const char *name)
{
	size_t n = strlen(buf);

	if (n < len)
		snprintf(buf + n, len - n, "%s%s", n ? ", " : "", name);
}

void
report_sort_list(char *buf, size_t len, int ad_hoc)
{
	const struct sort_key *k;

	if (len > 0)
		buf[0] = '\0';
	for (k = sort_keys; k->name != NULL; k++)
		if (ad_hoc == -1 || k->ad_hoc == ad_hoc)
			list_add(buf, len, k->name);
}

void
report_format_list(char *buf, size_t len, unsigned flags)
{
	const struct formatter *f;

	if (len > 0)
		buf[0] = '\0';
	for (f = formatters; f->name != NULL; f++)
		if ((f->flags & flags) == flags)
			list_add(buf, len, f->name);
}

/* "  name        help", and " (the default)" after the first. */
static void
help_line(FILE *out, const char *name, const char *help, int first)
{
	fprintf(out, "  %-12s %s%s\n", name, help, first ? " (the default)" :
	    "");
}

char *
report_help_lists(void)
{
	const struct sort_key *k;
	const struct formatter *f;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);
	int ad_hoc;

	if (out == NULL)
		error(EXIT_FAILURE, errno, "cannot list the sort keys");
	for (ad_hoc = 0; ad_hoc <= 1; ad_hoc++) {
		fputs(ad_hoc ? "\nAd-hoc events (--ad-hoc) sort by KEY, largest "
		    "first:\n" : "Sites sort by KEY (--sort=KEY), largest "
		    "first:\n", out);
		for (k = sort_keys; k->name != NULL; k++)
			if (k->ad_hoc == ad_hoc)
				help_line(out, k->name, k->help,
				    k == sort_key_default(ad_hoc));
	}
	fputs("\nFormats (--format=FORMAT):\n", out);
	for (f = formatters; f->name != NULL; f++)
		help_line(out, f->name, f->help, f == formatters);
	if (fclose(out) != 0)
		error(EXIT_FAILURE, errno, "cannot list the sort keys");
	return buf;
}

/* --- the order of rows ------------------------------------------------------ */

/* qsort has no context argument; the sort runs once per report. */
static const struct sort_key *sort_by;
static const struct profile *sort_profile;

/* Site i's statistics in convention `stats`; tmp holds STATS_AD_HOC's. */
static const struct prof_stats *
site_stats(const struct profile *p, size_t i, int stats,
    struct prof_stats *tmp)
{
	if (stats != STATS_AD_HOC)
		return &p->sites[i].st[stats];
	memset(tmp, 0, sizeof *tmp);
	tmp->tb = p->sites[i].ad_weight;
	tmp->tbk = p->sites[i].ad_events;
	return tmp;
}

/* Best first by the key, ties by total bytes, then by first site. */
static int
row_cmp(const void *a, const void *b)
{
	const struct report_row *x = a, *y = b;
	uint64_t vx = sort_by->value(sort_profile, x);
	uint64_t vy = sort_by->value(sort_profile, y);

	if (vx != vy)
		return vx > vy ? -1 : 1;
	if (x->st.tb != y->st.tb)
		return x->st.tb > y->st.tb ? -1 : 1;
	return x->site < y->site ? -1 : x->site > y->site;
}

size_t
report_char_len(const char *s)
{
	const unsigned char *c = (const unsigned char *)s;
	size_t n, i;

	if (c[0] >= 0x20 && c[0] < 0x7f)
		return 1;
	/*
	 * The lead byte gives the length; the second byte's range rules
	 * out overlong forms, surrogates and code points above U+10FFFF.
	 */
	if (c[0] >= 0xc2 && c[0] <= 0xdf) {
		if (c[0] == 0xc2 && c[1] < 0xa0)
			return 0;	/* C1 control, or no continuation */
		n = 2;
	} else if (c[0] == 0xe0) {
		if (c[1] < 0xa0)
			return 0;
		n = 3;
	} else if (c[0] == 0xed) {
		if (c[1] > 0x9f)
			return 0;
		n = 3;
	} else if (c[0] >= 0xe1 && c[0] <= 0xef) {
		n = 3;
	} else if (c[0] == 0xf0) {
		if (c[1] < 0x90)
			return 0;
		n = 4;
	} else if (c[0] >= 0xf1 && c[0] <= 0xf3) {
		n = 4;
	} else if (c[0] == 0xf4) {
		if (c[1] > 0x8f)
			return 0;
		n = 4;
	} else {
		return 0;
	}
	/* A NUL ends the loop: it is no continuation byte. */
	for (i = 1; i < n; i++)
		if ((c[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

char *
report_escape(const char *s)
{
	size_t n = strlen(s), len = 0, k;
	char *out = xmalloc(4 * n + 1);

	while (*s != '\0') {
		k = report_char_len(s);
		if (k != 0) {
			memcpy(out + len, s, k);
			len += k;
			s += k;
			continue;
		}
		if (*s == '\n' || *s == '\r' || *s == '\t') {
			out[len++] = '\\';
			out[len++] = *s == '\n' ? 'n' : *s == '\r' ? 'r' : 't';
		} else {
			snprintf(out + len, 5, "\\x%02x", (unsigned char)*s);
			len += 4;
		}
		s++;
	}
	out[len] = '\0';
	return out;
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

/* --- names ---------------------------------------------------------------- */


int
report_is_alloc_fn(const char *demangled)
{
	char bare[512];

	name_bare(demangled, bare, sizeof bare);
	return frames_name_class(demangled, bare) == FRAME_PLUMBING;
}

/*
 * cache[id]: the name that fn makes of the raw name with string id `id`,
 * or the raw name when fn makes none (not a mangled name).
 */
static const char *
cached(struct report_view *v, char **cache, uint32_t id,
    char *(*fn)(const char *))
{
	if (cache[id] == NULL) {
		cache[id] = fn(profile_str(v->p, id));
		if (cache[id] == NULL)
			cache[id] = xstrdup(profile_str(v->p, id));
	}
	return cache[id];
}

static const char *
demangled(struct report_view *v, uint32_t id)
{
	return cached(v, v->names, id, name_demangle);
}

static const char *
short_name(struct report_view *v, uint32_t id)
{
	return cached(v, v->shorts, id, name_short);
}

static const char *
fitted_name(struct report_view *v, uint32_t id)
{
	if (v->fitted[id] == NULL) {
		v->fitted[id] = xstrdup(short_name(v, id));
		name_fit(v->fitted[id], NAME_SHORT_MAX);
	}
	return v->fitted[id];
}

const char *
report_function(struct report_view *v, uint32_t id)
{
	if (id == 0)
		return "??";
	if (v->o->raw_names)
		return profile_str(v->p, id);
	return v->o->full_names ? demangled(v, id) : fitted_name(v, id);
}

const char *
report_path(const struct report_view *v, uint32_t id)
{
	const char *path = profile_str(v->p, id);
	size_t n = v->cwd != NULL ? strlen(v->cwd) : 0;

	if (n > 1 && strncmp(path, v->cwd, n) == 0 && path[n] == '/')
		return path + n + 1;
	return path;
}

/* --- the view ------------------------------------------------------------- */

int
report_function_matches(struct report_view *v, uint32_t id,
    const char *pattern)
{
	return id != 0 && name_matches(pattern, profile_str(v->p, id),
	    demangled(v, id), short_name(v, id));
}

static int
ignored(struct report_view *v, uint32_t id)
{
	size_t i;

	for (i = 0; i < v->o->nignore_fn; i++)
		if (report_function_matches(v, id, v->o->ignore_fn[i]))
			return 1;
	return 0;
}

const char *
report_line_system(const struct report_view *v, const struct report_line *l)
{
	const struct profile *p = v->p;
	uint32_t module = p->frames[l->frame].module;
	const char *file = NULL;

	if (module == 0 || module > p->nmodules)
		return "unknown code";
	if (l->loc != NO_LOC && p->locs[l->loc].file != 0)
		file = profile_str(p, p->locs[l->loc].file);
	return frames_system_label(profile_str(p, p->modules[module - 1]),
	    file);
}

enum frame_class
report_line_class(struct report_view *v, const struct report_line *l)
{
	const struct profile *p = v->p;
	size_t slot = l->loc != NO_LOC ? l->loc : p->nlocs + l->frame;
	enum frame_class c = FRAME_USER;
	const char *d;
	char bare[512];

	if (v->classes[slot] != 0)
		return (enum frame_class)(v->classes[slot] - 1);
	if (l->loc != NO_LOC && p->locs[l->loc].function != 0) {
		d = demangled(v, p->locs[l->loc].function);
		name_bare(d, bare, sizeof bare);
		c = frames_name_class(d, bare);
	}
	if (c == FRAME_USER && report_line_system(v, l) != NULL)
		c = FRAME_SYSTEM;
	v->classes[slot] = (unsigned char)(c + 1);
	return c;
}

static void
add_line(struct report_view *v, uint32_t frame, uint32_t loc, int inlined)
{
	struct report_line *l;

	v->lines = xgrow(v->lines, &v->lines_cap, v->nlines + 1,
	    sizeof *v->lines);
	l = &v->lines[v->nlines++];
	l->frame = frame;
	l->loc = loc;
	l->inlined = inlined;
}

/* Every line of site s, innermost first, appended to v->lines. */
static void
site_lines(struct report_view *v, const struct prof_site *s)
{
	const struct prof_frame *f;
	uint32_t fid, k;
	size_t i;

	for (i = 0; i < s->nframes; i++) {
		fid = v->p->stack_frames[s->first + i];
		f = &v->p->frames[fid];
		if (f->nlocs == 0)
			add_line(v, fid, NO_LOC, 0);
		for (k = 0; k < f->nlocs; k++)
			add_line(v, fid, f->first_loc + k, k + 1 < f->nlocs);
	}
}

/*
 * The identity of a folded stack: a line of a frame kept whole is the
 * frame and location (one word, top bit set); a line left of a frame
 * partly folded away is its function, file and line (two words), since
 * several return addresses can stand for it.
 */
static size_t
stack_key(const struct report_view *v, size_t first, size_t n,
    const unsigned char *partial, uint64_t **key, size_t *cap)
{
	const struct report_line *l;
	const struct prof_loc *loc;
	size_t i, len = 0;

	for (i = 0; i < n; i++) {
		l = &v->lines[first + i];
		*key = xgrow(*key, cap, len + 2, sizeof **key);
		if (!partial[i] || l->loc == NO_LOC) {
			(*key)[len++] = 1ULL << 63 | (uint64_t)l->frame << 32 |
			    (uint32_t)(l->loc + 1);
			continue;
		}
		loc = &v->p->locs[l->loc];
		(*key)[len++] = (uint64_t)loc->function << 32 | loc->file;
		(*key)[len++] = loc->line;
	}
	return len;
}

static void
add_stats(struct prof_stats *d, const struct prof_stats *s)
{
	d->tb += s->tb;
	d->tbk += s->tbk;
	d->tl += s->tl;
	d->mb += s->mb;
	d->mbk += s->mbk;
	d->gb += s->gb;
	d->gbk += s->gbk;
	d->eb += s->eb;
	d->ebk += s->ebk;
}

/* Up to DIST_MAX, as the collector counts. */
static uint32_t
add_count(uint32_t a, uint32_t b)
{
	return a > DIST_MAX - b ? DIST_MAX : a + b;
}

static void
add_dist(struct prof_dist *d, const struct prof_dist *s)
{
	size_t k;

	for (k = 0; k < DIST_BUCKETS; k++) {
		d->size[k] = add_count(d->size[k], s->size[k]);
		d->life[k] = add_count(d->life[k], s->life[k]);
	}
}

/*
 * A line without source information: when what it calls is below the
 * program's entry, it is too (rustc's C main, which runs the Rust main
 * through std::rt::lang_start; a stripped program's _start).
 */
static int
no_source(const struct report_view *v, const struct report_line *l)
{
	return l->loc == NO_LOC || v->p->locs[l->loc].file == 0;
}

/*
 * Of a stack's n lines at `first`, how many at the leaf side are folded
 * into their caller: the leading lines outside the program's own code up
 * to the last plumbing among them (a system frame between two of the
 * allocator's, such as Rust's core::fmt::write under format!, goes with
 * them); and how many at the outer end are below its entry.  At least
 * one line is left.
 */
static void
hidden_lines(struct report_view *v, size_t first, size_t n, size_t *leaf,
    size_t *outer)
{
	const struct report_opts *o = v->o;
	enum frame_class c;
	size_t j;

	*leaf = *outer = 0;
	for (j = 0; !o->show_alloc_frames && !o->show_all_frames &&
	    j + 1 < n; j++) {
		c = report_line_class(v, &v->lines[first + j]);
		if (c == FRAME_USER || c == FRAME_BELOW_ENTRY)
			break;
		if (c == FRAME_PLUMBING)
			*leaf = j + 1;
	}
	for (j = n; !o->show_all_frames && j > *leaf + 1; j--) {
		c = report_line_class(v, &v->lines[first + j - 1]);
		if (c != FRAME_BELOW_ENTRY && !(no_source(v,
		    &v->lines[first + j - 1]) && report_line_class(v,
		    &v->lines[first + j - 2]) == FRAME_BELOW_ENTRY))
			break;
		(*outer)++;
	}
}

/*
 * The key of a row of GROUP_FUNCTION: the function and source file of
 * line l, or its frame when it has no name.
 */
static size_t
function_key(const struct report_view *v, const struct report_line *l,
    uint64_t **key, size_t *cap)
{
	const struct prof_loc *loc;

	*key = xgrow(*key, cap, 1, sizeof **key);
	loc = l->loc != NO_LOC ? &v->p->locs[l->loc] : NULL;
	if (loc != NULL && loc->function != 0)
		(*key)[0] = (uint64_t)loc->function << 32 | loc->file;
	else
		(*key)[0] = 1ULL << 63 | l->frame;
	return 1;
}

/*
 * Rows are built in site order.  Per site: its lines; the leading run of
 * lines that are allocator plumbing or --ignore-fn functions is looked
 * at, ignored ones are dropped (unless nothing would be left), plumbing
 * is hidden unless asked for, and so are the lines below the program's
 * entry.  Sites that show the same stack after dropping and hiding (with
 * GROUP_FUNCTION: whose first lines in the program's own code are in the
 * same function) are one row, since DHAT's viewer refuses two program
 * points with the same frames and a reader could not tell them apart:
 * tb, tbk, tl, gb, gbk, eb and ebk add up exactly (blocks are in one site
 * or the other); mb and mbk become the sum of the sites' maxima, an upper
 * bound of the true maximum (the sites may have peaked at different
 * times) that keeps mb >= gb and mb >= eb.  The distributions add up
 * too, each bucket up to DIST_MAX.
 */
void
report_view_init(struct report_view *v, const struct profile *p,
    const struct report_opts *o)
{
	int stats = o->ad_hoc ? STATS_AD_HOC : o->as_dhat ? STATS_DHAT :
	    STATS_OWN;
	struct stacktab keys;
	struct report_row *r;
	struct report_line *l;
	unsigned char *drop = NULL, *partial;
	uint64_t *key = NULL;
	size_t key_cap = 0, drop_cap = 0, rows_cap = 0, i, j, first, n,
	    keep, leaf, outer, own, klen;
	uint32_t id, dropped_frame;
	struct prof_stats tmp;
	const struct prof_stats *st;
	char buf[4096];

	memset(v, 0, sizeof *v);
	v->p = p;
	v->o = o;
	v->names = xcalloc(p->nstrings + 1, sizeof *v->names);
	v->shorts = xcalloc(p->nstrings + 1, sizeof *v->shorts);
	v->fitted = xcalloc(p->nstrings + 1, sizeof *v->fitted);
	v->classes = xcalloc(p->nlocs + p->nframes + 1, 1);
	if (!o->full_paths && getcwd(buf, sizeof buf) != NULL)
		v->cwd = xstrdup(buf);
	stacktab_init(&keys);
	for (i = 0; i < p->nsites; i++) {
		st = site_stats(p, i, stats, &tmp);
		if (st->tbk == 0)
			continue;
		first = v->nlines;
		site_lines(v, &p->sites[i]);
		n = v->nlines - first;
		drop = xgrow(drop, &drop_cap, 2 * n + 1, 1);
		partial = drop + n;
		memset(drop, 0, 2 * n + 1);
		/* Mark the leading ignored lines; plumbing stays in the stack. */
		for (j = 0; j + 1 < n; j++) {
			l = &v->lines[first + j];
			if (l->loc != NO_LOC && ignored(v,
			    p->locs[l->loc].function))
				drop[j] = 1;
			else if (report_line_class(v, l) != FRAME_PLUMBING)
				break;
		}
		keep = 0;
		dropped_frame = UINT32_MAX;
		for (j = 0; j < n; j++) {
			l = &v->lines[first + j];
			if (drop[j]) {
				dropped_frame = l->frame;
				continue;
			}
			/* Inline lines of a frame follow its dropped ones. */
			partial[keep] = l->frame == dropped_frame;
			v->lines[first + keep++] = *l;
		}
		v->nlines = first + keep;
		hidden_lines(v, first, keep, &leaf, &outer);
		for (own = leaf; own < keep - outer; own++)
			if (report_line_class(v, &v->lines[first + own]) ==
			    FRAME_USER)
				break;
		/*
		 * Rows are told apart by what they show; stacks of no frames
		 * have no function, and are one row.
		 */
		if (o->group_by == GROUP_FUNCTION && keep > 0)
			klen = function_key(v, &v->lines[first +
			    (own < keep - outer ? own : leaf)], &key, &key_cap);
		else
			klen = stack_key(v, first + leaf, keep - leaf - outer,
			    partial + leaf, &key, &key_cap);
		id = stacktab_intern(&keys, key, (uint32_t)klen, 0);
		if (id < v->nrows) {
			/* Same stack as an earlier row: merge, drop the lines. */
			r = &v->rows[id];
			add_stats(&r->st, st);
			if (stats == STATS_OWN)
				add_dist(&r->dist, &p->sites[i].dist);
			r->flags |= p->sites[i].flags;
			r->nsites++;
			v->nlines = first;
			continue;
		}
		v->rows = xgrow(v->rows, &rows_cap, v->nrows + 1,
		    sizeof *v->rows);
		r = &v->rows[v->nrows++];
		memset(r, 0, sizeof *r);
		r->st = *st;
		if (stats == STATS_OWN)
			r->dist = p->sites[i].dist;
		r->flags = p->sites[i].flags;
		r->first = first + leaf;
		r->nlines = keep - leaf - outer;
		r->own = own - leaf;
		r->nsites = 1;
		r->site = i;
		if (o->group_by == GROUP_FUNCTION && keep > 0) {
			/* The function's line: the one the row stands for. */
			v->lines[first] = v->lines[first + (own < keep - outer ?
			    own : leaf)];
			v->nlines = first + 1;
			r->first = first;
			r->nlines = 1;
			r->own = 0;
		}
	}
	stacktab_release(&keys);
	free(key);
	free(drop);
	sort_by = report_sort(o);
	sort_profile = p;
	if (v->nrows > 1)
		qsort(v->rows, v->nrows, sizeof *v->rows, row_cmp);
}

size_t
report_own_line(const struct report_view *v, const struct report_row *r)
{
	(void)v;	/* the row has it since the view was built */
	return r->first + (r->own < r->nlines ? r->own : 0);
}

char *
report_site_name(struct report_view *v, const struct report_row *r)
{
	const struct report_line *l;
	const struct prof_loc *loc;
	char *fn, *file, *s;

	if (r->nlines == 0)
		return xstrdup("(no stack)");
	l = &v->lines[report_own_line(v, r)];
	if (l->loc == NO_LOC)
		return xstrdup("??");
	loc = &v->p->locs[l->loc];
	fn = report_escape(report_function(v, loc->function));
	if (loc->file == 0)
		return fn;
	file = report_escape(report_path(v, loc->file));
	s = xmalloc(strlen(fn) + strlen(file) + 16);
	sprintf(s, "%s (%s:%u)", fn, file, (unsigned)loc->line);
	free(fn);
	free(file);
	return s;
}

int
report_anomalies(FILE *out, const struct profile *p, const char *lead)
{
	const struct anomalies *a = &p->anomalies;

	if (!a->unknown_free && !a->unknown_realloc && !a->live_realloc &&
	    !a->bad_record && !a->unwind_mismatch)
		return 0;
	fprintf(out, "%s%" PRIu64 " frees of unknown blocks, %" PRIu64
	    " reallocs of unknown blocks, %" PRIu64 " allocations at a live "
	    "address, %" PRIu64 " malformed events", lead, a->unknown_free,
	    a->unknown_realloc, a->live_realloc, a->bad_record);
	/* Only the checking mode (HEAPPROF_CHECK_UNWIND) counts these. */
	if (a->unwind_mismatch != 0)
		fprintf(out, ", %" PRIu64 " stacks unwound otherwise by "
		    "libunwind", a->unwind_mismatch);
	fputc('\n', out);
	return 1;
}

int
report_nested(FILE *out, const struct profile *p, const char *lead)
{
	uint64_t n = p->anomalies.nested;

	if (n == 0)
		return 0;
	fprintf(out, "%s%" PRIu64 " event%s from signal handlers that "
	    "interrupted an allocation, recorded in full\n", lead, n,
	    n == 1 ? "" : "s");
	return 1;
}

void
report_view_release(struct report_view *v)
{
	size_t i;

	for (i = 0; v->names != NULL && i < v->p->nstrings; i++) {
		free(v->names[i]);
		free(v->shorts[i]);
		free(v->fitted[i]);
	}
	free(v->names);
	free(v->shorts);
	free(v->fitted);
	free(v->classes);
	free(v->rows);
	free(v->lines);
	free(v->cwd);
	memset(v, 0, sizeof *v);
}

/* --- modules without symbols -------------------------------------------- */

void
report_module_warnings(const struct profile *p)
{
	unsigned char *used = xcalloc(p->nmodules + 1, 1);
	char *path;
	uint32_t fl;
	size_t i;

	for (i = 0; i < p->nframes; i++)
		if (p->frames[i].module != 0)
			used[p->frames[i].module - 1] = 1;
	for (i = 0; p->module_flags != NULL && i < p->nmodules; i++) {
		fl = p->module_flags[i];
		if (!used[i] || fl == 0)
			continue;
		path = report_escape(profile_str(p, p->modules[i]));
		error(0, 0, "warning: no symbols for %s (%s)", path,
		    fl & PROF_MODULE_CHANGED ? "file changed during the run" :
		    "file missing or unreadable at the end of the run");
		free(path);
	}
	free(used);
}
