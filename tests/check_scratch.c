/* SPDX-License-Identifier: MIT */
/*
 * check_scratch.c - a scratch directory for the unit tests that write
 * files: made by a fixture, removed with everything in it after the case.
 */
#include "config.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "check_heapprof.h"

char scratch_dir[64];

static int
remove_entry(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void
scratch_make(const char *suite)
{
	snprintf(scratch_dir, sizeof scratch_dir, "/tmp/check-%s.XXXXXX",
	    suite);
	if (mkdtemp(scratch_dir) == NULL)
		ck_abort_msg("mkdtemp: %s", strerror(errno));
}

void
scratch_remove(void)
{
	nftw(scratch_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
}

char *
scratch_path(const char *name)
{
	static char path[2][256];
	static int which;

	which ^= 1;
	snprintf(path[which], sizeof path[which], "%s/%s", scratch_dir, name);
	return path[which];
}
