/* SPDX-License-Identifier: MIT */
/*
 * symbolize.h - turn a finished collector into a self-contained profile:
 * every distinct return address is resolved once with libdw (function,
 * file:line, inline frames) while the target's binaries are still there.
 */
#ifndef HEAPPROF_SYMBOLIZE_H
#define HEAPPROF_SYMBOLIZE_H

#include <elfutils/libdwfl.h>

#include "collect.h"
#include "elfsyms.h"
#include "profile.h"
#include "symmemo.h"

/* Ask the debuginfod servers in DEBUGINFOD_URLS (off by default). */
#define SYMBOLIZE_DEBUGINFOD	0x1

/*
 * Fill p (already profile_init'ed, metadata set by the caller, start_time
 * included) with the modules, frames and sites of c.  Modules that cannot
 * be read, or whose file changed during the run, are flagged in the
 * profile and their frames left as module+offset; a warning names each
 * one that frames refer to.  flags: SYMBOLIZE_*.  Returns 0; failures are
 * per frame, not fatal.
 *
 * memo (or NULL) holds frames already resolved, by symlive.c while the
 * target ran: those of a file that is still the same are taken from it
 * rather than from libdw.  Without SYMBOLIZE_DEBUGINFOD the persistent
 * cache (symcache.h) is read for the other objects, and what was resolved
 * is added to it.
 */
int symbolize(struct profile *p, const struct collector *c, unsigned flags,
    struct symmemo *memo);

/*
 * The resolver of one address at a time, as symbolize does it, for
 * symlive.c's thread: a Dwfl with symbolize's callbacks, and the frames of
 * pc (already inside the call: a return address - 1) in mod, valid until
 * the next call on x.
 */
struct sym_ctx;
struct sym_ctx *sym_ctx_new(void);
void sym_ctx_free(struct sym_ctx *x);
Dwfl *symbolize_dwfl_begin(void);
uint32_t symbolize_pc(struct sym_ctx *x, Dwfl_Module *mod,
    struct mod_syms *ms, Dwarf_Addr pc, const struct symloc **locs);

/*
 * dir/name with "." and ".." taken out lexically (the file need not exist
 * any more): "/src/build/../tests/x.c" becomes "/src/tests/x.c".  An
 * absolute name ignores dir; a relative one without dir stays relative,
 * keeping its leading "..".  Caller frees.
 */
char *symbolize_join_path(const char *dir, const char *name);

#endif
