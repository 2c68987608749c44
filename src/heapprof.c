/* SPDX-License-Identifier: MIT */
/*
 * heapprof.c - main(): global options and the subcommand table.
 */
#include "config.h"

#include <argp.h>
#include <errno.h>
#include <error.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "exitcode.h"

const char *argp_program_version = PACKAGE_NAME " " PACKAGE_VERSION;

const struct cmd_entry cmd_table[] = {
	{ "run", cmd_run, "run a program and write its heap profile" },
	{ "report", cmd_report, "print a profile's allocation sites" },
	{ NULL, NULL, NULL },
};

static const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *c;

	for (c = cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

static void
usage(FILE *f)
{
	const struct cmd_entry *c;

	fprintf(f, "Usage: heapprof COMMAND [OPTION...] [ARG...]\n"
	    "A heap-allocation profiler.\n\nCommands:\n");
	for (c = cmd_table; c->name != NULL; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "  %-10s %s\n", "help", "show a command's options");
	fprintf(f, "\nOptions:\n  -?, --help     give this help list\n"
	    "  -V, --version  print program version\n\n"
	    "'heapprof help COMMAND' or 'heapprof COMMAND --help' shows "
	    "a command's options.\n");
}

static int
cmd_help(int argc, char **argv)
{
	const struct cmd_entry *c;
	char *help_argv[] = { NULL, (char *)"--help", NULL };

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (c == NULL) {
		error(0, 0, "unknown command '%s'", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	help_argv[0] = argv[1];
	return c->exec(2, help_argv);
}

int
main(int argc, char **argv)
{
	const struct cmd_entry *c;

	/* Messages read "heapprof: ..." however heapprof was invoked. */
	program_invocation_name = (char *)"heapprof";
	program_invocation_short_name = (char *)"heapprof";
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-?") == 0) {
		usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("%s\n", argp_program_version);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0)
		return cmd_help(argc - 1, argv + 1);
	c = cmd_find(argv[1]);
	if (c == NULL) {
		if (argv[1][0] == '-')
			error(0, 0, "unknown option '%s'", argv[1]);
		else
			error(0, 0, "unknown command '%s'", argv[1]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return c->exec(argc - 1, argv + 1);
}
