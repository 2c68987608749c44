/* SPDX-License-Identifier: MIT */
/*
 * exitcode.h - every exit status heapprof itself chooses (man heapprof,
 * EXIT STATUS).  `run` otherwise exits as the target did.
 */
#ifndef HEAPPROF_EXITCODE_H
#define HEAPPROF_EXITCODE_H

enum {
	EXIT_OK = 0,
	EXIT_ERROR = 1,		/* report: cannot read the profile, ... */
	EXIT_RUN_FAILED = 1,	/* run: heapprof's own failure */
	EXIT_BUDGET = 3,	/* run: a budget exceeded (--error-exitcode) */
	EXIT_USAGE = 64,	/* argp's status for usage errors */
	EXIT_CANNOT_EXEC = 126,	/* as a shell: found but not executable */
	EXIT_NOT_FOUND = 127,	/* as a shell: no such program */
};

#endif
