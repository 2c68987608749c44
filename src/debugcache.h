/* SPDX-License-Identifier: MIT */
/*
 * debugcache.h - a cache of decompressed separate debug files, so that
 * libdw does not inflate the same zlib-compressed DWARF on every run (as
 * perf keeps a build-id cache in ~/.debug).
 *
 * Debian's libc6-dbg ships glibc's debug file with SHF_COMPRESSED
 * sections: dwarf_begin inflates all of them at open, 67 ms on every run
 * of even a one-malloc program, against 0.6 ms for the same file
 * decompressed.  The cache keeps that decompressed copy, named by the
 * build-id, in DIR/<hex build-id>.debug.
 *
 * The cache never changes what is symbolized, only how fast: a copy is
 * used only for the file libdw's standard look-up finds, when it has the
 * same build-id and the same sections, and any failure (no directory, a
 * read-only or full disk, a corrupt file) falls back to that file.
 */
#ifndef HEAPPROF_DEBUGCACHE_H
#define HEAPPROF_DEBUGCACHE_H

#include <elfutils/libdwfl.h>
#include <sys/stat.h>
#include <stddef.h>
#include <time.h>

/* Files whose decompressed sections would exceed this are not cached. */
#define DEBUGCACHE_MAX_SIZE	((size_t)512 << 20)

/*
 * A Dwfl_Callbacks.find_debuginfo: what dwfl_standard_find_debuginfo
 * finds, but for a file with compressed sections the cache's decompressed
 * copy (made on first use) under the name of the original file.  Look-ups
 * of a dwz alternate file, and modules without a build-id, go to
 * dwfl_standard_find_debuginfo unchanged.
 */
int debugcache_find_debuginfo(Dwfl_Module *mod, void **userdata,
    const char *modname, Dwarf_Addr base, const char *file_name,
    const char *debuglink_file, GElf_Word debuglink_crc,
    char **debuginfo_file_name);

/*
 * The directory of cached debug files: $HEAPPROF_CACHE_DIR/debug,
 * $XDG_CACHE_HOME/heapprof/debug (an absolute XDG_CACHE_HOME only), or
 * $HOME/.cache/heapprof/debug; NULL when HEAPPROF_CACHE_DIR is set but
 * empty (the cache is off) or no HOME is set.  Caller frees.
 */
char *debugcache_dir(void);

/* The same root's directory name (symcache.h's "symbols"), or NULL. */
char *debugcache_subdir(const char *name);

/* mkdir -p, each new directory 0700 as the XDG base directory spec asks. */
int debugcache_make_dirs(const char *dir);

/*
 * For the debug file open on fd, whose build-id note must be id (idlen
 * bytes): a read-only descriptor of its decompressed copy in dir, made
 * there first if it is missing or not valid (directories created as
 * needed; written to a temporary file renamed into place, so concurrent
 * runs see a whole file or none).  Returns -1 when the file has nothing
 * to decompress or cannot be cached, and on any failure.  fd stays the
 * caller's.
 */
int debugcache_open(const char *dir, int fd, const unsigned char *id,
    size_t idlen);

/*
 * The cache's upkeep, on the policy of elfutils' debuginfod client: at
 * most once a day (the modification time of dir/cleaned says when it last
 * ran), copies not used for a week are removed, and so are temporary files
 * over an hour old, which a run killed while writing leaves behind.  A
 * copy's modification time is its last use: debugcache_open sets it.  Only
 * names the cache makes are removed.  now is time(NULL) outside tests.
 */
#define DEBUGCACHE_CLEAN_INTERVAL	(24 * 3600)
#define DEBUGCACHE_MAX_UNUSED		(7 * 24 * 3600)
#define DEBUGCACHE_MAX_TMP_AGE		3600

void debugcache_clean(const char *dir, time_t now);

/*
 * The upkeep of either cache's dir, on that policy: kind_of(name) is 1
 * for the cache's files, 2 for its temporary files, 0 for names to leave
 * alone; kept (if not NULL) is told of each file of kind 1 that stays.
 */
void debugcache_clean_dir(const char *dir, time_t now,
    int (*kind_of)(const char *),
    void (*kept)(void *, const char *, const struct stat *), void *arg);

#endif
