/* SPDX-License-Identifier: MIT */
/*
 * sigalloc.c - a signal handler that allocates, landing inside the
 * agent's recording of an allocation on the same thread.
 *
 * A timer signal cannot be aimed there: it would as often land inside
 * glibc's malloc, where a handler's malloc is undefined behaviour that
 * may deadlock glibc itself, whatever the profiler does.  So this program
 * defines clock_gettime (exported, so it comes before libc's for every
 * object, the agent included): the agent reads the clock while it records
 * an event, after the real malloc returned or before the real free runs,
 * and every third call then raises SIGUSR1 there, synchronously.  The
 * handler mallocs and frees HANDLER_BYTES.  Nothing else calls
 * clock_gettime, so without the agent no signal is raised.
 *
 * main() mallocs and frees 1 + i % 64 bytes, ROUNDS times.  Expected:
 * tb = sum + handled * HANDLER_BYTES, tbk = ROUNDS + handled, nothing at
 * exit; printed to stderr as "expect tb=N tbk=N eb=0 ebk=0", and
 * "handled N" (the test wants N > 0: otherwise no signal landed).
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define ROUNDS		30000
#define HANDLER_BYTES	48

void *volatile sigalloc_sink;
static volatile sig_atomic_t armed, in_handler, calls;
static volatile long handled;

static void
on_usr1(int sig)
{
	(void)sig;
	in_handler = 1;
	sigalloc_sink = malloc(HANDLER_BYTES);
	free(sigalloc_sink);
	handled++;
	in_handler = 0;
}

int
clock_gettime(clockid_t clk, struct timespec *ts)
{
	if (armed && !in_handler && ++calls % 3 == 0)
		raise(SIGUSR1);
	return (int)syscall(SYS_clock_gettime, clk, ts);
}

int
main(void)
{
	unsigned long long tb = 0;
	struct sigaction sa;
	char line[128];
	size_t n;
	long i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	armed = 1;
	for (i = 0; i < ROUNDS; i++) {
		n = 1 + (size_t)(i % 64);
		sigalloc_sink = malloc(n);
		free(sigalloc_sink);
		tb += n;
	}
	armed = 0;
	tb += (unsigned long long)handled * HANDLER_BYTES;
	snprintf(line, sizeof line, "expect tb=%llu tbk=%ld eb=0 ebk=0\n"
	    "handled %ld\n", tb, ROUNDS + handled, handled);
	return write(2, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 1;
}
