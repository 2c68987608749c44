/* SPDX-License-Identifier: MIT */
/*
 * outfile.h - a report written to a file whole or not at all: into a
 * temporary file beside it, renamed into place when complete.
 */
#ifndef HEAPPROF_OUTFILE_H
#define HEAPPROF_OUTFILE_H

#include <stdio.h>

struct outfile {
	FILE *f;
	char *path;	/* where it goes */
	char *tmp;	/* where it is written: PATH.tmpPID; NULL: path */
};

/*
 * Open a temporary file for path; a path that exists and is no regular
 * file (a device, a pipe, a symbolic link: -o /dev/stdout) is opened as
 * it is, for writing in place.  A path that names the file `keep` (the
 * profile being read; NULL or "-": none) is refused, so a typo cannot
 * overwrite the profile.  Returns 0, or -1 with a one-line message naming
 * the path in err (without the program name) and nothing left behind.
 */
int outfile_open(struct outfile *o, const char *path, const char *keep,
    char *err, size_t errlen);

/*
 * Flush, sync and rename into place; on a write error remove the
 * temporary file instead.  Returns 0, or -1 with the message in err.
 * Releases o either way.
 */
int outfile_commit(struct outfile *o, char *err, size_t errlen);

/* Close and remove the temporary file; nothing if o is not open. */
void outfile_discard(struct outfile *o);

#endif
