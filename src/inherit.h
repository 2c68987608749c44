/* SPDX-License-Identifier: MIT */
/*
 * inherit.h - what the target inherits from heapprof, kept as heapprof was
 * given it: the signal dispositions and mask, and the file-size limit.
 *
 * heapprof changes these for itself (it forwards signals, waits for
 * SIGCHLD, and must not die of SIGXFSZ or lose a profile to `ulimit -f`),
 * but a program run under it must see exactly what it would see natively:
 * `nohup heapprof run ...` leaves SIGHUP ignored in the program.
 */
#ifndef HEAPPROF_INHERIT_H
#define HEAPPROF_INHERIT_H

#include <signal.h>
#include <sys/resource.h>

/* The signals heapprof handles or ignores for itself. */
#define INHERIT_NSIGS	6

struct inherit {
	struct sigaction act[INHERIT_NSIGS];	/* as given, by inherit_sigs */
	sigset_t mask;
	struct rlimit fsize;
};

/* SIGCHLD, the forwarded signals, then SIGXFSZ. */
extern const int inherit_sigs[INHERIT_NSIGS];

/*
 * Record the dispositions, mask and limit heapprof was given, then raise
 * heapprof's own file-size limit as far as it may and ignore
 * SIGXFSZ, so that a write past the limit fails with EFBIG instead of
 * killing heapprof.  Call once, before any handler is installed.
 */
void inherit_save(struct inherit *in);

/* 1 if signal sig was ignored when heapprof started. */
int inherit_ignored(const struct inherit *in, int sig);

/*
 * Put back everything inherit_save recorded: in the forked child before
 * exec, and in heapprof itself once the target has ended.  Async-signal-
 * safe.
 */
void inherit_restore(const struct inherit *in);

/* Put back the disposition of one of inherit_sigs, as given. */
void inherit_restore_signal(const struct inherit *in, int sig);

#endif
