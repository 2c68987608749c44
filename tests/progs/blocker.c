/* SPDX-License-Identifier: MIT */
/*
 * blocker.c - allocates, says "ready" into the file named by its argument
 * (a fifo the test reads), and waits in pause() for a signal:
 *   blocker FIFO          dies of the signal (SIGINT, SIGTERM: default)
 *   blocker FIFO catch    catches SIGTERM, prints "caught SIGTERM" and
 *                         exits 3
 *
 * Expected, however it ends: total 500 B in 2 blocks; peak 500 B in 2
 * blocks; at exit 300 B in 1 block.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;
static volatile sig_atomic_t caught;

static void
on_term(int sig)
{
	caught = sig;
}

int
main(int argc, char **argv)
{
	void *p;
	int fd;

	if (argc < 2)
		return 2;
	if (argc > 2 && strcmp(argv[2], "catch") == 0)
		signal(SIGTERM, on_term);
	p = malloc(200);
	sink = p;
	sink = malloc(300);
	free(p);
	fd = open(argv[1], O_WRONLY);
	if (fd == -1 || write(fd, "ready\n", 6) != 6)
		return 1;
	close(fd);
	while (!caught)
		pause();
	if (write(1, "caught SIGTERM\n", 15) != 15)
		return 1;
	return 3;
}
