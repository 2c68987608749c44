/* SPDX-License-Identifier: MIT */
/*
 * symmemo.h - symbolized addresses kept per object file, by offset in the
 * file's address space (pc - load bias), so that one address is resolved
 * with libdw once: while the target runs (symlive.c), from the persistent
 * cache (symcache.c), or at the end (symbolize.c), all giving the same
 * frames.
 *
 * An object is known by its path and by what stat(2) says of the file
 * (device, inode, size, modification time), so that a file replaced on
 * disk is another object and never takes its predecessor's names.
 */
#ifndef HEAPPROF_SYMMEMO_H
#define HEAPPROF_SYMMEMO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

/* One frame of an address's inline chain, innermost first. */
struct symloc {
	char *function;		/* linkage name, no "@VERSION"; NULL: none */
	char *file;		/* absolute when DWARF allows; NULL: none */
	uint32_t line;		/* 0: none */
};

struct symentry {
	uint64_t off;
	uint32_t first, n;	/* locs[first .. first + n) */
};

struct symobj {
	char *path;
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	char *cache_name;	/* its file in the persistent cache; NULL: none */
	char *cache_key;	/* what that file must say it is about */
	int cache_tried;	/* symcache_attach ran */
	int dirty;		/* has entries the persistent cache lacks */
	struct symentry *ents;
	size_t nents, ents_cap;
	uint32_t *slots;	/* index into ents + 1; 0 = empty */
	size_t nslots;
	struct symloc *locs;
	size_t nlocs, locs_cap;
};

struct symmemo {
	struct symobj **objs;
	size_t nobjs, cap;
};

void symmemo_init(struct symmemo *m);
void symmemo_release(struct symmemo *m);

/* The object for path as st describes it, made empty when new. */
struct symobj *symmemo_obj(struct symmemo *m, const char *path,
    const struct stat *st);

/* The entry for off, or NULL. */
const struct symentry *symmemo_find(const struct symobj *o, uint64_t off);

/*
 * Keep off's n frames (copied); an offset already kept keeps its first
 * frames.  dirty: they are new to the persistent cache.
 */
void symmemo_add(struct symobj *o, uint64_t off, const struct symloc *locs,
    uint32_t n, int dirty);

void symloc_free(struct symloc *locs, size_t n);

#endif
