/* SPDX-License-Identifier: MIT */
/*
 * cmd-run.c - `heapprof run [-o FILE] [--children] [--] PROGRAM [ARGS...]`.
 */
#include "config.h"

#include <argp.h>
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"
#include "session.h"
#include "units.h"
#include "wire.h"

enum {
	OPT_CHILDREN = 0x100, OPT_DEBUGINFOD, OPT_KEEP, OPT_ERROR_EXITCODE,
	OPT_BUDGET, OPT_BUDGETS, OPT_MODE,
	/* --max-*: OPT_MAX + enum budget_metric */
	OPT_MAX = 0x200,
};

static const struct argp_option run_options[] = {
	{ NULL, 0, NULL, 0, "Output:", 1 },
	{ "output", 'o', "FILE", 0,
	    "write the profile to FILE (default heapprof.data; an existing "
	    "one is kept as FILE.old); %p in FILE is the program's pid, %n "
	    "its base name", 0 },
	{ "mode", OPT_MODE, "MODE", 0,
	    "heap (the default): record the heap, and heapprof_ad_hoc(3) "
	    "events beside it; ad-hoc: record only heapprof_ad_hoc(3) "
	    "events, the allocator is left alone", 0 },
	{ "keep", OPT_KEEP, "WHEN", 0,
	    "write the profile always (the default), on-failure (only when "
	    "a budget was exceeded or the program failed) or never", 0 },
	{ NULL, 0, NULL, 0, "Budgets (checked when the program ends; N "
	    "takes K, M, G):", 1 },
	{ "max-total-bytes", OPT_MAX + BUDGET_TOTAL_BYTES, "N", 0,
	    "fail if the program allocates more than N bytes in all", 0 },
	{ "max-total-blocks", OPT_MAX + BUDGET_TOTAL_BLOCKS, "N", 0,
	    "fail if it allocates more than N blocks in all", 0 },
	{ "max-peak-bytes", OPT_MAX + BUDGET_PEAK_BYTES, "N", 0,
	    "fail if more than N bytes are live at its peak", 0 },
	{ "max-peak-blocks", OPT_MAX + BUDGET_PEAK_BLOCKS, "N", 0,
	    "fail if more than N blocks are live at its peak", 0 },
	{ "max-leaked-bytes", OPT_MAX + BUDGET_LEAKED_BYTES, "N", 0,
	    "fail if more than N bytes are live at exit", 0 },
	{ "max-leaked-blocks", OPT_MAX + BUDGET_LEAKED_BLOCKS, "N", 0,
	    "fail if more than N blocks are live at exit", 0 },
	{ "budget", OPT_BUDGET, "SPEC", 0,
	    "a budget for a code path, FUNCTION:METRIC OP N[,...] with "
	    "METRIC blocks or bytes and OP =, < or <= (repeatable)", 0 },
	{ "budgets", OPT_BUDGETS, "FILE", 0,
	    "the budgets in FILE, one a line: [TIER] FUNCTION LIMITS", 0 },
	{ "error-exitcode", OPT_ERROR_EXITCODE, "N", 0,
	    "exit with N (1-255; default 3) when a budget was exceeded and "
	    "the program succeeded", 0 },
	{ NULL, 0, NULL, 0, "Symbols:", 2 },
	{ "debuginfod", OPT_DEBUGINFOD, NULL, 0,
	    "fetch missing debug information from the servers in "
	    "DEBUGINFOD_URLS (off by default: it may be slow and uses the "
	    "network)", 0 },
	{ NULL, 0, NULL, 0, "Processes:", 2 },
	{ "children", OPT_CHILDREN, NULL, 0,
	    "also profile every process PROGRAM starts, after fork and after "
	    "exec, each into FILE.PID", 0 },
	{ NULL, 0, NULL, 0, NULL, 0 },
};

static error_t
run_parse(int key, char *arg, struct argp_state *state)
{
	struct session_opts *o = state->input;
	uint64_t size;
	char *end, why[512];
	long n;

	switch (key) {
	case 'o':
		if (arg[0] == '\0')
			argp_error(state, "empty output file name");
		if (session_check_output(arg) == -1)
			argp_error(state, "invalid output file name '%s': %% "
			    "takes p, n or %%", arg);
		o->output = arg;
		break;
	case OPT_MODE:
		if (strcmp(arg, "heap") == 0)
			o->mode = HP_MODE_HEAP;
		else if (strcmp(arg, "ad-hoc") == 0)
			o->mode = HP_MODE_AD_HOC;
		else
			argp_error(state, "invalid --mode '%s': heap or ad-hoc",
			    arg);
		break;
	case OPT_KEEP:
		if (strcmp(arg, "always") == 0)
			o->keep = KEEP_ALWAYS;
		else if (strcmp(arg, "on-failure") == 0)
			o->keep = KEEP_ON_FAILURE;
		else if (strcmp(arg, "never") == 0)
			o->keep = KEEP_NEVER;
		else
			argp_error(state, "invalid --keep '%s': always, "
			    "on-failure or never", arg);
		break;
	case OPT_BUDGET:
		if (tiers_add(&o->tiers, NULL, arg, why, sizeof why) == -1)
			argp_error(state, "%s", why);
		break;
	case OPT_BUDGETS:
		if (tiers_read(&o->tiers, arg, why, sizeof why) == -1)
			argp_failure(state, EXIT_USAGE, 0, "%s", why);
		break;
	case OPT_ERROR_EXITCODE:
		/* strtol takes " 3" and "+3" too. */
		errno = 0;
		n = strtol(arg, &end, 10);
		if (!isdigit((unsigned char)arg[0]) || errno != 0 ||
		    *end != '\0' || n < 1 || n > 255)
			argp_error(state, "invalid --error-exitcode '%s': a "
			    "status from 1 to 255", arg);
		o->error_exitcode = (int)n;
		break;
	case OPT_CHILDREN:
		o->children = 1;
		break;
	case OPT_DEBUGINFOD:
		o->debuginfod = 1;
		break;
	case ARGP_KEY_ARG:
		if (arg[0] == '\0')
			argp_error(state, "empty program name");
		/* The program's own options follow: stop parsing here. */
		o->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (o->argv == NULL)
			argp_error(state, "no program to run");
		/* Nothing would be counted: every budget would pass. */
		if (o->mode == HP_MODE_AD_HOC &&
		    (o->budgets.set != 0 || o->tiers.n > 0))
			argp_error(state, "budgets need --mode=heap");
		break;
	default:
		if (key >= OPT_MAX && key < OPT_MAX + BUDGET_N) {
			if (parse_size(arg, &size) == -1)
				argp_error(state, "invalid size '%s': a whole "
				    "number, optionally with K, M or G", arg);
			o->budgets.max[key - OPT_MAX] = size;
			o->budgets.set |= 1u << (key - OPT_MAX);
			break;
		}
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp run_argp = {
	run_options, run_parse, "[--] PROGRAM [ARG...]",
	"Run PROGRAM with the heap profiler's agent preloaded and write its "
	"profile.\vheapprof exits as PROGRAM did, or with --error-exitcode's "
	"status when PROGRAM succeeded but a budget was exceeded.", NULL, NULL,
	NULL,
};

int
cmd_run(int argc, char **argv)
{
	struct session_opts o = {
		.output = "heapprof.data", .error_exitcode = EXIT_BUDGET,
		.keep = KEEP_ALWAYS,
	};
	int rc;

	argv[0] = (char *)"heapprof run";
	argp_parse(&run_argp, argc, argv, ARGP_IN_ORDER, NULL, &o);
	rc = session_run(&o);
	tiers_release(&o.tiers);
	return rc;
}
