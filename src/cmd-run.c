/*
 * cmd-run.c - `heapprof run [-o FILE] [--children] [--] PROGRAM [ARGS...]`.
 */
#include "config.h"

#include <argp.h>
#include <stdlib.h>

#include "cmd.h"
#include "exitcode.h"
#include "session.h"

enum { OPT_CHILDREN = 0x100, OPT_DEBUGINFOD };

static const struct argp_option run_options[] = {
	{ NULL, 0, NULL, 0, "Output:", 1 },
	{ "output", 'o', "FILE", 0,
	    "write the profile to FILE (default heapprof.data; an existing "
	    "one is kept as FILE.old)", 0 },
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

	switch (key) {
	case 'o':
		if (arg[0] == '\0')
			argp_error(state, "empty output file name");
		o->output = arg;
		break;
	case OPT_CHILDREN:
		o->children = 1;
		break;
	case OPT_DEBUGINFOD:
		o->debuginfod = 1;
		break;
	case ARGP_KEY_ARG:
		/* The program's own options follow: stop parsing here. */
		o->argv = &state->argv[state->next - 1];
		state->next = state->argc;
		break;
	case ARGP_KEY_END:
		if (o->argv == NULL)
			argp_error(state, "no program to run");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp run_argp = {
	run_options, run_parse, "[--] PROGRAM [ARG...]",
	"Run PROGRAM with the heap profiler's agent preloaded and write its "
	"profile.\vheapprof exits as PROGRAM did.", NULL, NULL, NULL,
};

int
cmd_run(int argc, char **argv)
{
	struct session_opts o = { NULL, "heapprof.data", 0, 0 };

	argv[0] = (char *)"heapprof run";
	argp_parse(&run_argp, argc, argv, ARGP_IN_ORDER, NULL, &o);
	return session_run(&o);
}
