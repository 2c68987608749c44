/* SPDX-License-Identifier: MIT */
/*
 * cmd-report.c - `heapprof report [OPTIONS] [FILE]`.
 */
#include "config.h"

#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"
#include "outfile.h"
#include "report.h"
#include "tiers.h"
#include "xmalloc.h"

enum { OPT_SORT = 0x100, OPT_TOP, OPT_DEPTH, OPT_FORMAT, OPT_BYTES,
    OPT_NO_DEMANGLE, OPT_FULL_NAMES, OPT_FULL_PATHS, OPT_SHOW_ALLOC,
    OPT_IGNORE_FN, OPT_BUDGET, OPT_BUDGETS, OPT_AD_HOC, OPT_AS_DHAT,
    OPT_PERCENTILES, OPT_SHOW_ALL, OPT_GROUP_BY };

struct report_args {
	struct report_opts opts;
	const struct formatter *format;
	const char **ignore_fn;	/* --ignore-fn patterns, in order */
	size_t nignore_fn, ignore_fn_cap;
	struct tiers tiers;	/* --budget, --budgets */
	int top_given, depth_given;	/* --top, --depth */
	const char *output;	/* -o; NULL: the standard output */
};

static const struct argp_option report_options[] = {
	{ NULL, 0, NULL, 0, "Selection:", 1 },
	{ "sort", OPT_SORT, "KEY", 0, "order the sites by KEY (listed "
	    "below)", 0 },
	{ "ad-hoc", OPT_AD_HOC, NULL, 0, "show the heapprof_ad_hoc(3) events "
	    "of a heap profile (an ad-hoc profile shows nothing else)", 0 },
	{ "top", OPT_TOP, "N", 0, "show the first N sites (default 10, 0 = "
	    "all; folded and html: all)", 0 },
	{ "as-dhat", OPT_AS_DHAT, NULL, 0, "count as valgrind's DHAT does: a "
	    "realloc'd block stays with the site that first allocated it, a "
	    "0-byte block counts as 1 byte", 0 },
	{ "group-by", OPT_GROUP_BY, "WHAT", 0, "a row per call stack (stack, "
	    "the default) or per function of the program's own code "
	    "(function), the sites under it merged", 0 },
	{ NULL, 0, NULL, 0, "Output:", 2 },
	{ "format", OPT_FORMAT, "FORMAT", 0, "write the report in FORMAT "
	    "(listed below)", 0 },
	{ "output", 'o', "FILE", 0, "write the report to FILE, replaced "
	    "when complete (default: the standard output)", 0 },
	{ "depth", OPT_DEPTH, "N", 0, "show N frames of each stack "
	    "(default 4, 0 = all; folded and html: all)", 0 },
	{ "bytes", OPT_BYTES, NULL, 0, "print sizes as exact byte counts", 0 },
	{ "percentiles", OPT_PERCENTILES, NULL, 0, "show the median and 90th "
	    "percentile of block sizes and lifetimes instead of their "
	    "averages", 0 },
	{ NULL, 0, NULL, 0, "Symbols:", 3 },
	{ "no-demangle", OPT_NO_DEMANGLE, NULL, 0, "show C++ and Rust "
	    "names as the linker sees them (_ZNSt6vector...)", 0 },
	{ "full-names", OPT_FULL_NAMES, NULL, 0, "show whole demangled "
	    "signatures (return type, template arguments, parameters)", 0 },
	{ "full-paths", OPT_FULL_PATHS, NULL, 0, "show source paths whole, "
	    "not relative to the working directory", 0 },
	{ "show-alloc-frames", OPT_SHOW_ALLOC, NULL, 0, "show the allocator "
	    "frames (malloc, operator new, C++ allocators, Rust's alloc crate) "
	    "that are folded into their callers by default", 0 },
	{ "show-all-frames", OPT_SHOW_ALL, NULL, 0, "show every frame: the "
	    "allocator's, and those below main or a thread's function "
	    "(_start, __libc_start_main, std::rt::lang_start...)", 0 },
	{ "ignore-fn", OPT_IGNORE_FN, "NAME", 0, "fold the frames of function "
	    "NAME (an allocation wrapper; wildcards allowed; repeatable) into "
	    "its callers", 0 },
	{ NULL, 0, NULL, 0, "Budgets (as heapprof run takes them):", 4 },
	{ "budget", OPT_BUDGET, "SPEC", 0,
	    "check a code path's budget, FUNCTION:METRIC OP N[,...] "
	    "(repeatable); exit with 3 when one fails", 0 },
	{ "budgets", OPT_BUDGETS, "FILE", 0,
	    "check the budgets in FILE, one a line: [TIER] FUNCTION LIMITS", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static size_t
parse_count(struct argp_state *state, const char *opt, const char *arg)
{
	unsigned long long v;
	char *end;

	/* strtoull takes " 5", "+5" and "-1" (as a huge number) too. */
	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!isdigit((unsigned char)arg[0]) || errno != 0 || *end != '\0')
		argp_error(state, "invalid %s '%s': expected a number", opt, arg);
	return (size_t)v;
}

static error_t
report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_args *a = state->input;
	char why[512], names[512];

	switch (key) {
	case OPT_SORT:
		a->opts.sort = sort_key_find(arg);
		if (a->opts.sort == NULL) {
			report_sort_list(names, sizeof names, -1);
			argp_error(state, "invalid sort key '%s' (valid keys: %s)",
			    arg, names);
		}
		break;
	case OPT_PERCENTILES:
		a->opts.percentiles = 1;
		break;
	case OPT_AD_HOC:
		a->opts.ad_hoc = 1;
		break;
	case OPT_AS_DHAT:
		a->opts.as_dhat = 1;
		break;
	case OPT_TOP:
		a->opts.top = parse_count(state, "--top", arg);
		a->top_given = 1;
		break;
	case OPT_DEPTH:
		a->opts.depth = parse_count(state, "--depth", arg);
		a->depth_given = 1;
		break;
	case OPT_FORMAT:
		a->format = formatter_find(arg);
		if (a->format == NULL) {
			report_format_list(names, sizeof names, 0);
			argp_error(state, "invalid format '%s' (valid formats: "
			    "%s)", arg, names);
		}
		break;
	case 'o':
		if (arg[0] == '\0')
			argp_error(state, "empty file name for -o");
		a->output = arg;
		break;
	case OPT_BYTES:
		a->opts.exact_bytes = 1;
		break;
	case OPT_NO_DEMANGLE:
		a->opts.raw_names = 1;
		break;
	case OPT_FULL_NAMES:
		a->opts.full_names = 1;
		break;
	case OPT_FULL_PATHS:
		a->opts.full_paths = 1;
		break;
	case OPT_SHOW_ALLOC:
		a->opts.show_alloc_frames = 1;
		break;
	case OPT_SHOW_ALL:
		a->opts.show_all_frames = 1;
		break;
	case OPT_GROUP_BY:
		if (strcmp(arg, "stack") == 0)
			a->opts.group_by = GROUP_STACK;
		else if (strcmp(arg, "function") == 0)
			a->opts.group_by = GROUP_FUNCTION;
		else
			argp_error(state, "invalid --group-by '%s' (stack or "
			    "function)", arg);
		break;
	case OPT_IGNORE_FN:
		if (arg[0] == '\0')
			argp_error(state, "empty function name for --ignore-fn");
		a->ignore_fn = xgrow(a->ignore_fn, &a->ignore_fn_cap,
		    a->nignore_fn + 1, sizeof *a->ignore_fn);
		a->ignore_fn[a->nignore_fn++] = arg;
		break;
	case OPT_BUDGET:
		if (tiers_add(&a->tiers, NULL, arg, why, sizeof why) == -1)
			argp_error(state, "%s", why);
		break;
	case OPT_BUDGETS:
		if (tiers_read(&a->tiers, arg, why, sizeof why) == -1)
			argp_failure(state, EXIT_USAGE, 0, "%s", why);
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "too many files: '%s'", arg);
		if (arg[0] == '\0')
			argp_error(state, "empty file name");
		a->opts.file = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* After the options: the sort keys and formats, from their tables. */
static char *
report_help(int key, const char *text, void *input)
{
	(void)input;
	if (key == ARGP_KEY_HELP_POST_DOC)
		return report_help_lists();
	return (char *)text;
}

static const struct argp report_argp = {
	report_options, report_parse, "[FILE]",
	"Print the allocation sites of a heap profile (FILE, default "
	"heapprof.data; - reads the standard input).", NULL, report_help,
	NULL,
};

int
cmd_report(int argc, char **argv)
{
	struct report_args a;
	struct profile p;
	char err[256], names[512];
	int failed, inside, rc;
	struct outfile of;
	FILE *out = stdout, *verdict;

	memset(&a, 0, sizeof a);
	a.opts.file = "heapprof.data";
	argv[0] = (char *)"heapprof report";
	argp_parse(&report_argp, argc, argv, 0, NULL, &a);
	a.opts.ignore_fn = a.ignore_fn;
	a.opts.nignore_fn = a.nignore_fn;
	if (a.format == NULL)
		a.format = &formatters[0];
	/* Markdown's budget columns measure call stacks, not functions. */
	if (a.opts.group_by == GROUP_FUNCTION && a.tiers.n > 0 &&
	    (a.format->flags & FMT_TIERS)) {
		error(0, 0, "the markdown report checks budgets on call "
		    "stacks: use --group-by=stack, or text or dhat");
		free(a.ignore_fn);
		tiers_release(&a.tiers);
		return EXIT_USAGE;
	}
	/* A flame graph is of everything: its parts add up to the total. */
	if (!a.top_given)
		a.opts.top = a.format->flags & FMT_WHOLE ? 0 : 10;
	if (!a.depth_given)
		a.opts.depth = a.format->flags & FMT_WHOLE ? 0 : 4;
	if (profile_read(&p, a.opts.file, err, sizeof err) == -1) {
		error(0, 0, "%s", err);
		free(a.ignore_fn);
		return EXIT_ERROR;
	}
	if (p.mode == PROF_MODE_AD_HOC)
		a.opts.ad_hoc = 1;
	if (a.opts.sort == NULL)
		a.opts.sort = sort_key_default(a.opts.ad_hoc);
	if (a.opts.ad_hoc != a.opts.sort->ad_hoc || (a.tiers.n > 0 &&
	    (a.opts.ad_hoc || a.opts.as_dhat)) || (a.opts.ad_hoc &&
	    !(a.format->flags & FMT_AD_HOC)) || (a.format->flags & FMT_SUMS &&
	    !(a.opts.sort->flags & SORT_SUMS)) || (a.opts.as_dhat &&
	    (a.opts.percentiles || a.opts.sort->flags & SORT_PERCENTILE))) {
		/* The histograms count heapprof's blocks, not DHAT's. */
		if (a.opts.as_dhat && (a.opts.percentiles ||
		    a.opts.sort->flags & SORT_PERCENTILE))
			error(0, 0, "percentiles are of heapprof's counts, not "
			    "with --as-dhat");
		/* Budgets count as run does; a table beside them would not. */
		else if (a.opts.as_dhat && a.tiers.n > 0)
			error(0, 0, "budgets are checked as heapprof counts, "
			    "not with --as-dhat");
		else if (a.opts.ad_hoc && a.tiers.n > 0)
			error(0, 0, "budgets need the heap: '%s' has ad-hoc "
			    "events only", a.opts.file);
		else if (a.opts.ad_hoc && !a.opts.sort->ad_hoc) {
			report_sort_list(names, sizeof names, 1);
			error(0, 0, "cannot sort ad-hoc events by %s (valid "
			    "keys: %s)", a.opts.sort->name, names);
		} else if (a.opts.ad_hoc) {
			report_format_list(names, sizeof names, FMT_AD_HOC);
			error(0, 0, "the %s report has no ad-hoc events (formats "
			    "that have: %s)", a.format->name, names);
		} else if (a.opts.ad_hoc == a.opts.sort->ad_hoc) {
			error(0, 0, "cannot weigh %s stacks by %s: it does not "
			    "add up (sort by a total)", a.format->name,
			    a.opts.sort->name);
		} else {
			report_sort_list(names, sizeof names, 0);
			error(0, 0, "cannot sort heap sites by %s (it sorts "
			    "ad-hoc events, with --ad-hoc; valid keys: %s)",
			    a.opts.sort->name, names);
		}
		profile_release(&p);
		free(a.ignore_fn);
		tiers_release(&a.tiers);
		return EXIT_USAGE;
	}
	if (a.output != NULL) {
		if (outfile_open(&of, a.output, a.opts.file, err,
		    sizeof err) == -1) {
			error(0, 0, "%s", err);
			profile_release(&p);
			free(a.ignore_fn);
			tiers_release(&a.tiers);
			return EXIT_ERROR;
		}
		out = of.f;
	}
	report_module_warnings(&p);
	if (a.opts.sort->flags & SORT_PERCENTILE)
		a.opts.percentiles = 1;
	if (a.opts.percentiles && !p.has_dist && p.nsites > 0)
		error(0, 0, "warning: '%s' has no distributions (its format is "
		    "older): no percentiles", a.opts.file);
	/*
	 * Markdown has the verdict in its own tables; after the text report
	 * it is one more table; it would break a JSON, so it goes apart.
	 */
	inside = (a.format->flags & FMT_TIERS) != 0;
	failed = a.tiers.n > 0 ? tiers_check(&a.tiers, &p, NULL) : 0;
	if (failed != -1) {
		a.opts.tiers = inside ? &a.tiers : NULL;
		a.format->write(out, &p, &a.opts);
	}
	if (failed != -1 && a.tiers.n > 0 && !inside) {
		verdict = a.format->flags & FMT_TIERS_AFTER ? out : stderr;
		if (verdict == out)
			fputc('\n', out);
		fflush(out);
		tiers_check(&a.tiers, &p, verdict);
	}
	/* The verdict run gave: a failed HEAPPROF_ASSERT fails it too. */
	if (failed == 0 && a.tiers.n > 0 && p.failed_asserts > 0)
		failed = 1;
	rc = failed == -1 ? EXIT_ERROR : failed > 0 ? EXIT_BUDGET : EXIT_OK;
	profile_release(&p);
	free(a.ignore_fn);
	tiers_release(&a.tiers);
	if (a.output != NULL && failed == -1) {
		outfile_discard(&of);
	} else if (a.output != NULL && outfile_commit(&of, err,
	    sizeof err) == -1) {
		error(0, 0, "%s", err);
		return EXIT_ERROR;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		error(0, errno, "cannot write the report");
		return EXIT_ERROR;
	}
	return rc;
}
