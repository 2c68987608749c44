/*
 * symbolize.h - turn a finished collector into a self-contained profile:
 * every distinct return address is resolved once with libdw (function,
 * file:line, inline frames) while the target's binaries are still there.
 */
#ifndef HEAPPROF_SYMBOLIZE_H
#define HEAPPROF_SYMBOLIZE_H

#include "collect.h"
#include "profile.h"

/*
 * Fill p (already profile_init'ed, metadata set by the caller) with the
 * modules, frames and sites of c.  Modules that cannot be read leave their
 * frames as module+offset.  Returns 0; failures are per frame, not fatal.
 */
int symbolize(struct profile *p, const struct collector *c);

#endif
