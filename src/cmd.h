/* SPDX-License-Identifier: MIT */
/*
 * cmd.h - subcommands.
 *
 * To add a subcommand `foo`:
 *   1. src/cmd-foo.c with `int cmd_foo(int argc, char **argv)`: parse the
 *      options with argp, check them, call one library function, return an
 *      exit status (exitcode.h);
 *   2. its declaration below and one line in heapprof.c's cmd_table[];
 *   3. src/cmd-foo.c in Makefile.am;
 *   4. a section in man/heapprof.1 and a tests/cli script.
 */
#ifndef HEAPPROF_CMD_H
#define HEAPPROF_CMD_H

struct cmd_entry {
	const char *name;
	int (*exec)(int argc, char **argv);
	const char *summary;
};

int cmd_run(int argc, char **argv);
int cmd_report(int argc, char **argv);

extern const struct cmd_entry cmd_table[];

#endif
