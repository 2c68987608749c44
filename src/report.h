/* SPDX-License-Identifier: MIT */
/*
 * report.h - what every output format shares: options, sort keys, the
 * order of sites, and how a frame is named.
 */
#ifndef HEAPPROF_REPORT_H
#define HEAPPROF_REPORT_H

#include <stddef.h>
#include <stdio.h>

#include "frames.h"
#include "profile.h"

struct tiers;

/*
 * The view of the heapprof_ad_hoc(3) events, beside STATS_OWN and
 * STATS_DHAT: a row's tb is its weight and tbk its events, as valgrind
 * DHAT's ad-hoc mode has them; its other statistics are 0.
 */
#define STATS_AD_HOC	STATS_N

/*
 * A sort key: its name, what it orders by (for --help and heapprof(1),
 * whose lists a test compares with --help), the kind of row it orders
 * and the value it orders by, largest first.  sort_keys[] holds them all,
 * ended by a NULL name; the first of each kind is that kind's default.
 * --help, the usage errors and the order of every format come from it,
 * so a new key is one entry.
 */
struct report_row;
struct sort_key {
	const char *name;
	const char *help;
	int ad_hoc;		/* orders ad-hoc events (STATS_AD_HOC) */
	uint64_t (*value)(const struct profile *, const struct report_row *);
	unsigned flags;		/* SORT_* */
};
/*
 * SORT_SUMS: the sites' values add up to the whole's (bytes do, an
 * average size does not), so a flame graph can be weighed by it
 * (FMT_SUMS).  SORT_PERCENTILE: of a distribution, so it shows the
 * --percentiles columns.
 */
#define SORT_SUMS	0x1
#define SORT_PERCENTILE	0x2

extern const struct sort_key sort_keys[];

/* The key of that name, or NULL. */
const struct sort_key *sort_key_find(const char *name);
/* The default key of heap sites (ad_hoc 0) or of ad-hoc events. */
const struct sort_key *sort_key_default(int ad_hoc);

/* What a row of the view is (report --group-by). */
enum report_group {
	GROUP_STACK,		/* a call stack: sites that show the same one */
	GROUP_FUNCTION,		/* a function of the program's own code */
};

struct report_opts {
	const struct sort_key *sort;	/* NULL: the default of the kind */
	size_t top;		/* 0 = all */
	size_t depth;		/* frames per site; 0 = all */
	int exact_bytes;
	const char *file;	/* the profile's path, for the header */
	int raw_names;		/* --no-demangle */
	int full_names;		/* --full-names: whole demangled signatures */
	int full_paths;		/* no shortening against the cwd */
	int show_alloc_frames;	/* keep allocator plumbing (FRAME_PLUMBING) */
	int show_all_frames;	/* keep every frame, below main's too */
	enum report_group group_by;
	const char *const *ignore_fn;	/* fnmatch patterns, folded away */
	size_t nignore_fn;
	const struct tiers *tiers;	/* budgets per path; NULL: none */
	int ad_hoc;		/* show the ad-hoc events (STATS_AD_HOC) */
	int as_dhat;		/* --as-dhat: valgrind DHAT's counts (STATS_DHAT) */
	int percentiles;	/* text: p50 and p90 columns, not averages */
};

/* The key o sorts by: o->sort, or the default of o's kind. */
const struct sort_key *report_sort(const struct report_opts *o);

/*
 * The names of sort_keys[] of the kind `ad_hoc` (both kinds when it is
 * -1), or of the formatters[] that have all of `flags` (FMT_*), as
 * "a, b, c" into buf (cut at len), for the usage errors.
 */
void report_sort_list(char *buf, size_t len, int ad_hoc);
void report_format_list(char *buf, size_t len, unsigned flags);

/*
 * What --help lists after the options: each sort key and each format,
 * one a line with its help ("  bytes        total bytes (the default)"),
 * under a heading per kind.  Caller frees.
 */
char *report_help_lists(void);

/*
 * What every format shows: the sites with blocks in one statistics
 * convention, as rows in report order, each with the lines of its stack
 * (innermost first, inline frames as lines of their own).  Building it
 * applies the symbol options: allocator plumbing and the frames below the
 * program's entry hidden, --ignore-fn frames folded into their callers
 * and the sites that then show the same stack merged into one row (see
 * report.c for what merged statistics mean).  With GROUP_FUNCTION a row
 * is every site whose first line in the program's own code is in the
 * same function, and has that one line.
 */
struct report_line {
	uint32_t frame;		/* index into p->frames */
	uint32_t loc;		/* index into p->locs; NO_LOC: no symbols */
	int inlined;		/* inlined into the next line's function */
};
#define NO_LOC	UINT32_MAX

struct report_row {
	struct prof_stats st;
	struct prof_dist dist;	/* of its blocks, in a STATS_OWN view */
	uint32_t flags;		/* PROF_SITE_* of any of its sites */
	size_t first, nlines;	/* the lines shown, into view.lines */
	/*
	 * The row's first line in the program's own code, counted from
	 * first; nlines when it has none.  The lines before it are where
	 * that code called into a system library.
	 */
	size_t own;
	size_t nsites;		/* profile sites merged into it */
	size_t site;		/* its first site, for a stable order */
};

struct report_view {
	const struct profile *p;
	const struct report_opts *o;
	struct report_row *rows;
	size_t nrows;
	struct report_line *lines;
	size_t nlines, lines_cap;
	char **names;		/* demangled function names by string id, lazily */
	char **shorts;		/* short function names (name_short), lazily */
	char **fitted;		/* those as shown (name_fit), lazily */
	char *cwd;		/* for shortening paths; NULL: none */
	/*
	 * Each location's frame_class + 1, then each frame's (for its lines
	 * without symbols); 0 until a line of it is first looked at.
	 */
	unsigned char *classes;
};

/*
 * Build the view of p that o asks for: its ad-hoc events (o->ad_hoc,
 * STATS_AD_HOC), or its heap in valgrind DHAT's convention (o->as_dhat,
 * STATS_DHAT) or, by default, heapprof's own (STATS_OWN).
 */
void report_view_init(struct report_view *v, const struct profile *p,
    const struct report_opts *o);
void report_view_release(struct report_view *v);

/*
 * The first of row r's lines in the program's own code (r->own), else
 * the row's first line.  An index into v->lines; past r's lines when r
 * has none.
 */
size_t report_own_line(const struct report_view *v,
    const struct report_row *r);

/* A line's frame_class (frames.h), computed once per location. */
enum frame_class report_line_class(struct report_view *v,
    const struct report_line *l);

/*
 * What the system code of a line is called (frames_system_label:
 * "libc.so.6"), or NULL for the program's own code.
 */
const char *report_line_system(const struct report_view *v,
    const struct report_line *l);

/*
 * "function (file:line)" of row r's first line in the program's own code
 * (report_own_line), escaped for a terminal.  Caller frees.
 */
char *report_site_name(struct report_view *v, const struct report_row *r);

/*
 * Does the fnmatch pattern match the function with string id `id` (never
 * for 0), by any of its names (name_matches)?
 */
int report_function_matches(struct report_view *v, uint32_t id,
    const char *pattern);

/*
 * If any anomaly counter of p is not zero, print lead and then the
 * counters, "N frees of unknown blocks, ...", and a newline, and return
 * 1; else print nothing and return 0.
 */
int report_anomalies(FILE *out, const struct profile *p, const char *lead);
/*
 * The same for the count of nested events (anomalies.nested), which is
 * information, not an anomaly: "N events from signal handlers that
 * interrupted an allocation, recorded in full".
 */
int report_nested(FILE *out, const struct profile *p, const char *lead);

/*
 * A line's function as shown: short (name_short) and no longer than
 * NAME_SHORT_MAX when it can be (name_fit) by default, demangled
 * with --full-names, raw with --no-demangle; "??" if none.
 */
const char *report_function(struct report_view *v, uint32_t string_id);
/* A source path as shown: relative to the cwd when inside it. */
const char *report_path(const struct report_view *v, uint32_t string_id);

/*
 * Is this (demangled) function allocator plumbing, FRAME_PLUMBING by
 * frames.c's rule table (heapprof(1), SYMBOLS, lists the rules)?
 */
int report_is_alloc_fn(const char *demangled);

/*
 * Print "heapprof: warning: no symbols for PATH (why)" for each module
 * that has frames but could not be symbolized.
 */
void report_module_warnings(const struct profile *p);

/*
 * The length of the character at s if it is one to print as it is:
 * printable ASCII, or a valid UTF-8 sequence that is not a C1 control
 * (U+0080 to U+009F, which some terminals obey); 0 otherwise, for a
 * control character, an invalid byte, or the end of the string.
 */
size_t report_char_len(const char *s);

/*
 * s made safe to print on a terminal: what report_char_len refuses is
 * written as \n, \r, \t or \xHH (a string from a profile is not trusted
 * to hold no escape sequences).  Caller frees.
 */
char *report_escape(const char *s);

/* "module+0x1a2b" for a frame without symbols. */
void report_frame_raw(const struct profile *p, const struct prof_frame *f,
    char *buf, size_t len);

/*
 * An output format: its name, what it is (for --help and heapprof(1)),
 * what it can show, and its writer, which writes the whole report to out.
 * formatters[] holds them all, ended by a NULL name; the first is the
 * default.  --help, the usage errors and `report` come from it, so a new
 * format is one entry.
 */
struct formatter {
	const char *name;
	const char *help;
	void (*write)(FILE *out, const struct profile *p,
	    const struct report_opts *o);
	unsigned flags;
};
#define FMT_AD_HOC	0x1	/* shows ad-hoc events (o->ad_hoc) */
#define FMT_TIERS	0x2	/* shows the budgets' verdict (o->tiers) */
#define FMT_TIERS_AFTER	0x4	/* the verdict may follow it on stdout */
#define FMT_WHOLE	0x8	/* all sites, whole stacks unless --top/--depth */
#define FMT_SUMS	0x10	/* weighs by the key: it must add up (SORT_SUMS) */

void fmt_text(FILE *out, const struct profile *p, const struct report_opts *o);
void fmt_dhat(FILE *out, const struct profile *p, const struct report_opts *o);
void fmt_markdown(FILE *out, const struct profile *p,
    const struct report_opts *o);
void fmt_folded(FILE *out, const struct profile *p,
    const struct report_opts *o);
void fmt_html(FILE *out, const struct profile *p, const struct report_opts *o);


extern const struct formatter formatters[];
/* The format of that name, or NULL. */
const struct formatter *formatter_find(const char *name);

#endif
