/* SPDX-License-Identifier: MIT */
/*
 * daemon.c - starts like a daemon: closes every fd but 0-2, empties the
 * environment and sets a variable of its own, lowers RLIMIT_NOFILE to 3
 * (no fd can be opened), then allocates in work():
 *
 *   10 x malloc(64), each freed          640 B in 10 blocks
 *   calloc(10, 10), realloc to 300       100 + 300 B, 2 blocks, freed
 *   malloc(2000), never freed           2000 B in 1 block
 *
 *   work()'s sites: total 3040 B in 13 blocks; at exit 2000 B in 1 block.
 * setenv's own blocks are libc's: DHAT is the oracle for the whole.
 * Prints "daemon: FOO=bar" if the environment is as it set it.
 * `daemon keep-rlimit` leaves RLIMIT_NOFILE alone: valgrind refuses to
 * lower it below the fds it keeps for itself.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

void *volatile daemon_sink;

__attribute__((noinline)) static void
work(void)
{
	char *p;
	int i;

	for (i = 0; i < 10; i++) {
		daemon_sink = malloc(64);
		free(daemon_sink);
	}
	p = calloc(10, 10);
	p = realloc(p, 300);
	daemon_sink = p;
	free(p);
	daemon_sink = malloc(2000);
}

int
main(int argc, char **argv)
{
	struct rlimit nofile = { 3, 3 };
	const char *foo;
	char line[64];

	(void)argv;
	if (close_range(3, ~0u, 0) == -1 || clearenv() != 0 ||
	    setenv("FOO", "bar", 1) == -1 ||
	    (argc < 2 && setrlimit(RLIMIT_NOFILE, &nofile) == -1))
		return 1;
	work();
	foo = getenv("FOO");
	snprintf(line, sizeof line, "daemon: FOO=%s\n", foo ? foo : "(unset)");
	return write(1, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 1;
}
