/* SPDX-License-Identifier: MIT */
/*
 * procstat.c - what /proc/PID/stat tells about a process and its threads:
 * its parent, and whether it is stopped.  Read with open and read, the
 * task directory with getdents64: nothing allocates (see procstat.h).
 */
#include "config.h"

#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "procstat.h"

/* The kernel's record of getdents64, which glibc declares only lately. */
struct dirent64_rec {
	uint64_t ino;
	int64_t off;
	unsigned short reclen;
	unsigned char type;
	char name[];
};

/* "/proc/PID" then tail, in path of PATH_LEN bytes. */
#define PATH_LEN	64

static void
proc_path(char *path, pid_t pid, const char *tail)
{
	char digits[24], *d = digits + sizeof digits;
	unsigned long v = (unsigned long)pid;

	*--d = '\0';
	do
		*--d = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	strcpy(path, "/proc/");
	strcat(path, d);
	strcat(path, tail);
}

/*
 * Read the stat file at path (relative to dirfd) and give its state and
 * parent.  "pid (comm) state ppid ...": comm may hold spaces and ')', so
 * the fields are found after the last ')'.  Returns 0, or -1.
 */
static int
read_stat(int dirfd, const char *path, char *state, pid_t *ppid)
{
	char buf[512], *s, *d;
	ssize_t n;
	long v = 0;
	int fd;

	fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return -1;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	s = strrchr(buf, ')');
	if (s == NULL || s[1] != ' ' || s[2] == '\0' || s[3] != ' ')
		return -1;
	for (d = s + 4; *d >= '0' && *d <= '9' && v < 1L << 40; d++)
		v = v * 10 + (*d - '0');
	if (d == s + 4 || *d != ' ')
		return -1;
	*state = s[2];
	*ppid = (pid_t)v;
	return 0;
}

pid_t
procstat_parent(pid_t pid)
{
	char path[PATH_LEN], state;
	pid_t ppid;

	proc_path(path, pid, "/stat");
	if (read_stat(AT_FDCWD, path, &state, &ppid) == -1)
		return -1;
	return ppid;
}

int
procstat_stopped(pid_t pid)
{
	union {
		struct dirent64_rec first;
		char bytes[4096];
	} buf;
	struct dirent64_rec *d;
	char path[PATH_LEN], state;
	pid_t ppid;
	long n, off;
	int dirfd, stopped = 0;

	proc_path(path, pid, "/task");
	dirfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dirfd == -1)
		return 0;
	while (!stopped &&
	    (n = syscall(SYS_getdents64, dirfd, buf.bytes, sizeof buf)) > 0) {
		for (off = 0; off < n && !stopped; off += d->reclen) {
			d = (struct dirent64_rec *)(void *)(buf.bytes + off);
			if (d->name[0] < '0' || d->name[0] > '9' ||
			    strlen(d->name) > PATH_LEN - sizeof "/stat")
				continue;
			strcpy(path, d->name);
			strcat(path, "/stat");
			/* 't': stopped by a tracer, such as a debugger. */
			if (read_stat(dirfd, path, &state, &ppid) == 0 &&
			    (state == 'T' || state == 't'))
				stopped = 1;
		}
	}
	close(dirfd);
	return stopped;
}
