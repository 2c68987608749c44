/* SPDX-License-Identifier: MIT */
/*
 * symcache.h - a persistent cache of symbolized addresses, one file per
 * object, so that the frames of glibc's start-up and of a program run
 * again cost no libdw look-up on the next run.
 *
 * A file is named by the object's build-id and a hash of its key: this
 * heapprof binary and libdw's version, the object's path, size and
 * modification time, and for every place libdw's
 * standard look-up may find a separate debug file (by build-id under
 * /usr/lib/debug/.build-id, by .gnu_debuglink beside the object, in its
 * .debug directory and under /usr/lib/debug), what is there: installing
 * libc6-dbg later changes the key, so frames resolved without debug
 * information are not reused.  The file repeats its key, which must match.
 *
 * Files come from disk and are not trusted: a magic, a CRC-32 over the
 * contents, and checked counts and lengths; a file that fails any check
 * is ignored as a whole.  Writes go to a temporary file renamed into
 * place, so a concurrent run reads a whole file or none, and any failure
 * to write (no directory, read-only, full disk) changes nothing else.
 */
#ifndef HEAPPROF_SYMCACHE_H
#define HEAPPROF_SYMCACHE_H

#include <elfutils/libdwfl.h>
#include <stdint.h>
#include <time.h>

#include "symmemo.h"

/* One file holds at most this much; more addresses are not kept. */
#define SYMCACHE_MAX_FILE	((size_t)8 << 20)
/* All of them: the least recently used go first. */
#define SYMCACHE_MAX_TOTAL	((uint64_t)128 << 20)
#define SYMCACHE_MAX_LOCS	1024	/* inline frames of one address */
#define SYMCACHE_MAX_STRING	65536

/* debugcache_subdir("symbols"): NULL when the caches are off. */
char *symcache_dir(void);

/*
 * Give o (the file libdw has as mod) its cache file's name and key, and
 * add that file's frames to o when it is valid.  Once per object; nothing
 * for an object without a build-id.
 */
void symcache_attach(struct symobj *o, Dwfl_Module *mod, const char *dir);

/*
 * Name and key given: add the frames of dir's file when it is valid.
 * Returns their number, or -1 when the file is missing or invalid.
 */
int symcache_load(const char *dir, struct symobj *o);

/*
 * Merge o's frames with those on disk now and write them back (up to
 * SYMCACHE_MAX_FILE); 0, or -1 with the cache as it was.  The first save
 * of a process also runs symcache_clean.
 */
int symcache_save(const char *dir, struct symobj *o);

/*
 * Upkeep, at most once a day as debugcache_clean: files unused for a
 * week and temporary files over an hour old are removed, then the least
 * recently used until the rest fit in max_total bytes.  A file's
 * modification time is its last use (symcache_load sets it).
 */
void symcache_clean(const char *dir, time_t now, uint64_t max_total);

#endif
