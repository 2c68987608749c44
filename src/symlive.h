/* SPDX-License-Identifier: MIT */
/*
 * symlive.h - symbolizing while the target runs: a thread of the CLI
 * resolves each new return address with libdw as the collector finds it,
 * so that at the end symbolize() finds the frames in the memo and a short
 * program does not wait for glibc's DWARF after it has exited.
 *
 * The thread resolves by file and offset only; which module a frame
 * belongs to, whether the file changed during the run, and what goes in
 * the profile stay symbolize()'s decisions, so the profile is the one it
 * would be without this thread.  HEAPPROF_LIVE_SYMBOLS=0 turns it off;
 * =1 starts the thread at the first address rather than once the target
 * has run for SYMLIVE_DELAY_MS.
 */
#ifndef HEAPPROF_SYMLIVE_H
#define HEAPPROF_SYMLIVE_H

#include "collect.h"
#include "symmemo.h"

#define SYMLIVE_ENV	"HEAPPROF_LIVE_SYMBOLS"
/*
 * A target that ends sooner leaves everything to symbolize(): the thread
 * would not finish before it, and would take CPU from it meanwhile.
 */
#define SYMLIVE_DELAY_MS	10
/*
 * For the tests: the thread names each function it resolves, and both it
 * and symbolize() say how many addresses they resolved with libdw and
 * how many they found ready (in the cache, or resolved by the thread).
 */
#define SYMLIVE_TEST_ENV "HEAPPROF_TEST_SYMBOLS"

struct symlive;

/*
 * Begin (the thread starts later, from symlive_feed); NULL when it is
 * turned off, or when DEBUGINFOD_URLS is set (symbolize() decides about
 * the servers once the target is gone).
 */
struct symlive *symlive_start(void);

/*
 * Give the thread the addresses of the stacks c gained since the last
 * call (and the modules they are in), and start it when it is time:
 * cheap, for every turn of the collector's loop.  ended: the target has
 * ended, and this is the last call.
 */
void symlive_feed(struct symlive *l, const struct collector *c, int ended);

/*
 * Let the thread resolve what it was given and return its memo for
 * symbolize(); it stays l's until symlive_free.
 */
struct symmemo *symlive_finish(struct symlive *l);

/*
 * Once symbolize() is done with libdw: the thread releases libdw's data
 * (unmapping glibc's debug file alone takes a millisecond or two) while
 * the caller writes the profile.  symlive_free waits for it.
 */
void symlive_release(struct symlive *l);
void symlive_free(struct symlive *l);

#endif
