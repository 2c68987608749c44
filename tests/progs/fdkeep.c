/* SPDX-License-Identifier: MIT */
/*
 * fdkeep.c - a daemon-like program that closes every descriptor it did
 * not open, opens its own files, and allocates through frames without
 * unwind information (nocfi.c), where libunwind checks addresses by
 * writing them into a pipe of its own.  Under heapprof the program's
 * files must stay as it left them and /proc/self/fd must hold what it
 * opened and nothing else.
 *
 * Twice, once in main and once in a new thread (libunwind remembers the
 * pages it checked per thread): open "in" read-only with 16 bytes and
 * "out" write-only and empty (in main "in" first, in the thread "out"
 * first), then ROUNDS times nocfi_alloc(SIZE) and
 * free.  Expected: "in" still at offset 0, "out" still empty, both
 * descriptors still the files opened; the sites through_main and
 * through_thread each ROUNDS blocks of SIZE bytes, their stacks unwound
 * through the frames without unwind information.  Prints what failed and
 * exits 1, or exits 0.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nocfi.h"

#define ROUNDS	10
#define SIZE	40

static int in_fd, out_fd, bad;

static void
check(int ok, const char *what)
{
	if (!ok) {
		printf("fdkeep: %s\n", what);
		bad = 1;
	}
}

static int
same_file(int fd, const char *path)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat(path, &b) == 0 &&
	    a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * out_first: "out" gets the lower number, where libunwind's read end
 * was; reading it fails, and libunwind then closes both to make a new
 * pipe in their place.
 */
static void
open_files(int out_first)
{
	int fd;

	close(in_fd);
	close(out_fd);
	fd = open("in", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd == -1 || write(fd, "0123456789abcdef", 16) != 16)
		exit(2);
	close(fd);
	if (out_first)
		out_fd = open("out", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
		    0644);
	in_fd = open("in", O_RDONLY);
	if (!out_first)
		out_fd = open("out", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND,
		    0644);
	if (in_fd == -1 || out_fd == -1)
		exit(2);
}

static void
check_files(const char *when)
{
	struct stat st;
	char what[128];

	snprintf(what, sizeof what, "%s: 'in' is no longer fd %d", when,
	    in_fd);
	check(same_file(in_fd, "in"), what);
	snprintf(what, sizeof what, "%s: 'out' is no longer fd %d", when,
	    out_fd);
	check(same_file(out_fd, "out"), what);
	snprintf(what, sizeof what, "%s: 'in' was read from", when);
	check(lseek(in_fd, 0, SEEK_CUR) == 0, what);
	snprintf(what, sizeof what, "%s: 'out' was written to", when);
	check(stat("out", &st) == 0 && st.st_size == 0, what);
}

__attribute__((noinline)) static void
through_main(void)
{
	int i;

	for (i = 0; i < ROUNDS; i++)
		free(nocfi_alloc(SIZE));
}

__attribute__((noinline)) static void *
through_thread(void *arg)
{
	int i;

	(void)arg;
	open_files(1);
	for (i = 0; i < ROUNDS; i++)
		free(nocfi_alloc(SIZE));
	return NULL;
}

/* Every descriptor but 0, 1, 2 and the program's own two. */
static void
check_fd_table(void)
{
	struct dirent *e;
	DIR *d = opendir("/proc/self/fd");
	int fd;

	if (d == NULL)
		exit(2);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		fd = atoi(e->d_name);
		if (fd > 2 && fd != in_fd && fd != out_fd && fd != dirfd(d)) {
			printf("fdkeep: fd %d is open, not the program's\n",
			    fd);
			bad = 1;
		}
	}
	closedir(d);
}

int
main(void)
{
	pthread_t t;
	int fd;

	for (fd = 3; fd < 1024; fd++)
		close(fd);
	in_fd = out_fd = -1;
	open_files(0);
	through_main();
	check_files("main");
	if (pthread_create(&t, NULL, through_thread, NULL) != 0 ||
	    pthread_join(t, NULL) != 0)
		return 2;
	check_files("thread");
	check_fd_table();
	return bad;
}
