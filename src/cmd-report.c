/*
 * cmd-report.c - `heapprof report [OPTIONS] [FILE]`.
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <error.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmd.h"
#include "exitcode.h"
#include "report.h"

enum { OPT_SORT = 0x100, OPT_TOP, OPT_DEPTH, OPT_FORMAT, OPT_BYTES };

struct report_args {
	struct report_opts opts;
	const struct formatter *format;
};

static const struct argp_option report_options[] = {
	{ NULL, 0, NULL, 0, "Selection:", 1 },
	{ "sort", OPT_SORT, "KEY", 0, "order sites by KEY: bytes (default), "
	    "blocks, lifetime, peak, leaked, max, avg-size", 0 },
	{ "top", OPT_TOP, "N", 0, "show the first N sites (default 10, 0 = "
	    "all)", 0 },
	{ NULL, 0, NULL, 0, "Output:", 2 },
	{ "format", OPT_FORMAT, "FORMAT", 0, "text (default) or dhat "
	    "(valgrind DHAT's JSON)", 0 },
	{ "depth", OPT_DEPTH, "N", 0, "show N frames of each stack "
	    "(default 4, 0 = all)", 0 },
	{ "bytes", OPT_BYTES, NULL, 0, "print sizes as exact byte counts", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static size_t
parse_count(struct argp_state *state, const char *opt, const char *arg)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || arg[0] == '-')
		argp_error(state, "invalid %s '%s': expected a number", opt, arg);
	return (size_t)v;
}

static error_t
report_parse(int key, char *arg, struct argp_state *state)
{
	struct report_args *a = state->input;

	switch (key) {
	case OPT_SORT:
		if (report_parse_sort(arg, &a->opts.sort) == -1)
			argp_error(state, "invalid sort key '%s' (valid keys: %s)",
			    arg, report_sort_keys);
		break;
	case OPT_TOP:
		a->opts.top = parse_count(state, "--top", arg);
		break;
	case OPT_DEPTH:
		a->opts.depth = parse_count(state, "--depth", arg);
		break;
	case OPT_FORMAT:
		a->format = formatter_find(arg);
		if (a->format == NULL)
			argp_error(state, "invalid format '%s' (valid formats: "
			    "text, dhat)", arg);
		break;
	case OPT_BYTES:
		a->opts.exact_bytes = 1;
		break;
	case ARGP_KEY_ARG:
		if (state->arg_num > 0)
			argp_error(state, "too many files: '%s'", arg);
		a->opts.file = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp report_argp = {
	report_options, report_parse, "[FILE]",
	"Print the allocation sites of a heap profile (FILE, default "
	"heapprof.data).", NULL, NULL, NULL,
};

int
cmd_report(int argc, char **argv)
{
	struct report_args a = {
		{ SORT_BYTES, 10, 4, 0, "heapprof.data" }, NULL,
	};
	struct profile p;
	char err[256];

	argv[0] = (char *)"heapprof report";
	argp_parse(&report_argp, argc, argv, 0, NULL, &a);
	if (a.format == NULL)
		a.format = formatter_find("text");
	if (profile_read(&p, a.opts.file, err, sizeof err) == -1) {
		error(0, 0, "%s", err);
		return EXIT_ERROR;
	}
	a.format->write(stdout, &p, &a.opts);
	profile_release(&p);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		error(0, errno, "cannot write the report");
		return EXIT_ERROR;
	}
	return EXIT_OK;
}
