/* SPDX-License-Identifier: MIT */
/*
 * sigcount.c - counts the SIGINTs it is sent, for the test that a signal
 * reaches a program under heapprof as often as it was sent.
 *
 *   sigcount FIFO   writes "ready\n" into FIFO once its handlers are set
 *                   and "int\n" after its first SIGINT; on SIGTERM it
 *                   prints "sigint N" (N: SIGINTs handled) and exits 3.
 *
 * Allocates 100 B in 1 block, freed.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;
static volatile sig_atomic_t nint, term;

static void
on_int(int sig)
{
	(void)sig;
	nint++;
}

static void
on_term(int sig)
{
	(void)sig;
	term = 1;
}

static int
say(int fd, const char *s)
{
	return write(fd, s, strlen(s)) == (ssize_t)strlen(s) ? 0 : -1;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	sigset_t both, waiting;
	int fd, told = 0;

	if (argc < 2)
		return 2;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_int;
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = on_term;
	sigaction(SIGTERM, &sa, NULL);
	sink = malloc(100);
	free(sink);
	/* Handled only inside sigsuspend: none is missed between checks. */
	sigemptyset(&both);
	sigaddset(&both, SIGINT);
	sigaddset(&both, SIGTERM);
	sigprocmask(SIG_BLOCK, &both, &waiting);
	fd = open(argv[1], O_WRONLY);
	if (fd == -1 || say(fd, "ready\n") == -1)
		return 1;
	while (!term) {
		sigsuspend(&waiting);
		if (nint > 0 && !told) {
			told = 1;
			if (say(fd, "int\n") == -1)
				return 1;
		}
	}
	printf("sigint %d\n", (int)nint);
	return 3;
}
