/* SPDX-License-Identifier: MIT */
/*
 * symmemo.c - per object, the frames of each symbolized offset, in an
 * open-addressing table over an array of entries.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "symmemo.h"
#include "xmalloc.h"

void
symmemo_init(struct symmemo *m)
{
	memset(m, 0, sizeof *m);
}

void
symloc_free(struct symloc *locs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(locs[i].function);
		free(locs[i].file);
	}
}

void
symmemo_release(struct symmemo *m)
{
	struct symobj *o;
	size_t i;

	for (i = 0; i < m->nobjs; i++) {
		o = m->objs[i];
		symloc_free(o->locs, o->nlocs);
		free(o->locs);
		free(o->ents);
		free(o->slots);
		free(o->path);
		free(o->cache_name);
		free(o->cache_key);
		free(o);
	}
	free(m->objs);
	memset(m, 0, sizeof *m);
}

static int
same_file(const struct symobj *o, const char *path, const struct stat *st)
{
	return o->dev == st->st_dev && o->ino == st->st_ino &&
	    o->size == st->st_size && o->mtime.tv_sec == st->st_mtim.tv_sec &&
	    o->mtime.tv_nsec == st->st_mtim.tv_nsec &&
	    strcmp(o->path, path) == 0;
}

struct symobj *
symmemo_obj(struct symmemo *m, const char *path, const struct stat *st)
{
	struct symobj *o;
	size_t i;

	for (i = 0; i < m->nobjs; i++)
		if (same_file(m->objs[i], path, st))
			return m->objs[i];
	o = xcalloc(1, sizeof *o);
	o->path = xstrdup(path);
	o->dev = st->st_dev;
	o->ino = st->st_ino;
	o->size = st->st_size;
	o->mtime = st->st_mtim;
	m->objs = xgrow(m->objs, &m->cap, m->nobjs + 1, sizeof *m->objs);
	m->objs[m->nobjs++] = o;
	return o;
}

const struct symentry *
symmemo_find(const struct symobj *o, uint64_t off)
{
	size_t j, mask;

	if (o->nslots == 0)
		return NULL;
	mask = o->nslots - 1;
	for (j = hash_u64(off) & mask; o->slots[j] != 0; j = (j + 1) & mask)
		if (o->ents[o->slots[j] - 1].off == off)
			return &o->ents[o->slots[j] - 1];
	return NULL;
}

static void
rehash(struct symobj *o)
{
	size_t i, j, mask;

	free(o->slots);
	o->nslots = o->nslots != 0 ? o->nslots * 2 : 64;
	o->slots = xcalloc(o->nslots, sizeof *o->slots);
	mask = o->nslots - 1;
	for (i = 0; i < o->nents; i++) {
		for (j = hash_u64(o->ents[i].off) & mask; o->slots[j] != 0;
		    j = (j + 1) & mask)
			;
		o->slots[j] = (uint32_t)i + 1;
	}
}

void
symmemo_add(struct symobj *o, uint64_t off, const struct symloc *locs,
    uint32_t n, int dirty)
{
	struct symentry *e;
	struct symloc *l;
	uint32_t i;

	if (symmemo_find(o, off) != NULL)
		return;
	o->ents = xgrow(o->ents, &o->ents_cap, o->nents + 1, sizeof *o->ents);
	e = &o->ents[o->nents++];
	e->off = off;
	e->first = (uint32_t)o->nlocs;
	e->n = n;
	o->locs = xgrow(o->locs, &o->locs_cap, o->nlocs + n, sizeof *o->locs);
	for (i = 0; i < n; i++) {
		l = &o->locs[o->nlocs++];
		l->function = locs[i].function != NULL ?
		    xstrdup(locs[i].function) : NULL;
		l->file = locs[i].file != NULL ? xstrdup(locs[i].file) : NULL;
		l->line = locs[i].line;
	}
	if (dirty)
		o->dirty = 1;
	if (2 * o->nents > o->nslots)
		rehash(o);
	else {
		size_t j, mask = o->nslots - 1;

		for (j = hash_u64(off) & mask; o->slots[j] != 0;
		    j = (j + 1) & mask)
			;
		o->slots[j] = (uint32_t)o->nents;
	}
}
