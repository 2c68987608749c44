/* SPDX-License-Identifier: MIT */
/*
 * session.h - one `heapprof run`.
 */
#ifndef HEAPPROF_SESSION_H
#define HEAPPROF_SESSION_H

#include "budget.h"
#include "tiers.h"

/* When the profile is written (--keep). */
enum keep { KEEP_ALWAYS, KEEP_ON_FAILURE, KEEP_NEVER };

struct session_opts {
	char **argv;		/* the target and its arguments, NULL-terminated */
	const char *output;	/* the profile to write: %p pid, %n name */
	int children;		/* profile every process of the tree too */
	int debuginfod;		/* let libdw ask DEBUGINFOD_URLS' servers */
	struct budgets budgets;	/* --max-*: checked when the program ends */
	struct tiers tiers;	/* --budget, --budgets: per code path */
	int error_exitcode;	/* heapprof's status when a budget failed */
	enum keep keep;
	int mode;		/* enum hp_mode: --mode=heap or ad-hoc */
};

/* -1 if the -o template has a % other than %p, %n or %%. */
int session_check_output(const char *tmpl);

/*
 * Run the target to its end, check the budgets and write the profile (as
 * o->keep says).  Returns the exit status heapprof should exit with: the
 * target's when it failed, else o->error_exitcode when a budget was
 * exceeded; if the target died of a signal, does not return but dies of
 * the same signal once the profile is written.
 */
int session_run(const struct session_opts *o);

/* The agent's absolute path (caller frees), or NULL after an error line. */
char *session_find_agent(void);

#endif
