/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - turn a finished collector into a self-contained profile:
 * every distinct return address is resolved once with libdw (function,
 * file:line, inline frames) while the target's binaries are still there.
 */
#ifndef HEAPPROF_SYMBOLIZE_H
#define HEAPPROF_SYMBOLIZE_H

#include "collect.h"
#include "profile.h"

/* Ask the debuginfod servers in DEBUGINFOD_URLS (off by default). */
#define SYMBOLIZE_DEBUGINFOD	0x1

/*
 * Fill p (already profile_init'ed, metadata set by the caller, start_time
 * included) with the modules, frames and sites of c.  Modules that cannot
 * be read, or whose file changed during the run, are flagged in the
 * profile and their frames left as module+offset; a warning names each
 * one that frames refer to.  flags: SYMBOLIZE_*.  Returns 0; failures are
 * per frame, not fatal.
 */
int symbolize(struct profile *p, const struct collector *c, unsigned flags);

/*
 * dir/name with "." and ".." taken out lexically (the file need not exist
 * any more): "/src/build/../tests/x.c" becomes "/src/tests/x.c".  An
 * absolute name ignores dir; a relative one without dir stays relative,
 * keeping its leading "..".  Caller frees.
 */
char *symbolize_join_path(const char *dir, const char *name);

#endif
