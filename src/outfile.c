/* SPDX-License-Identifier: MIT */
/*
 * outfile.c - write a report to a file as a profile is written: beside it
 * first, so that a failed write (a full disk) leaves the old file whole.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "outfile.h"
#include "xmalloc.h"

static int
same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	return stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
	    sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/*
 * A device, a pipe, a terminal or a link (-o /dev/stdout) is written in
 * place: renaming over it would replace it with a file.
 */
static int
open_special(struct outfile *o, const char *path, char *err, size_t errlen)
{
	o->f = fopen(path, "we");
	if (o->f == NULL) {
		snprintf(err, errlen, "cannot open '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	o->path = xstrdup(path);
	return 0;
}

int
outfile_open(struct outfile *o, const char *path, const char *keep,
    char *err, size_t errlen)
{
	size_t n = strlen(path);
	struct stat st;
	int fd;

	memset(o, 0, sizeof *o);
	if (keep != NULL && strcmp(keep, "-") != 0 && (strcmp(path,
	    keep) == 0 || same_file(path, keep))) {
		snprintf(err, errlen, "will not overwrite the profile '%s' "
		    "with its report", path);
		return -1;
	}
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return open_special(o, path, err, errlen);
	o->tmp = xmalloc(n + 16);
	snprintf(o->tmp, n + 16, "%s.tmp%d", path, (int)getpid());
	fd = open(o->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd == -1 || (o->f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "cannot create '%s': %s", o->tmp,
		    strerror(errno));
		if (fd != -1) {
			close(fd);
			unlink(o->tmp);
		}
		free(o->tmp);
		o->tmp = NULL;
		return -1;
	}
	o->path = xstrdup(path);
	return 0;
}

int
outfile_commit(struct outfile *o, char *err, size_t errlen)
{
	int rc = 0, e = 0;

	errno = 0;
	if (fflush(o->f) == EOF || ferror(o->f) || (o->tmp != NULL &&
	    fsync(fileno(o->f)) == -1 && errno != EINVAL))
		e = errno != 0 ? errno : EIO;
	if (fclose(o->f) == EOF && e == 0)
		e = errno;
	if (e != 0) {
		snprintf(err, errlen, "cannot write '%s': %s", o->tmp != NULL ?
		    o->tmp : o->path, strerror(e));
		if (o->tmp != NULL)
			unlink(o->tmp);
		rc = -1;
	} else if (o->tmp != NULL && rename(o->tmp, o->path) == -1) {
		snprintf(err, errlen, "cannot rename '%s' to '%s': %s", o->tmp,
		    o->path, strerror(errno));
		unlink(o->tmp);
		rc = -1;
	}
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
	return rc;
}

void
outfile_discard(struct outfile *o)
{
	if (o->f == NULL)
		return;
	fclose(o->f);
	if (o->tmp != NULL)
		unlink(o->tmp);
	free(o->tmp);
	free(o->path);
	memset(o, 0, sizeof *o);
}
