/* SPDX-License-Identifier: MIT */
/*
 * sigreal.c - a signal handler that allocates, running while the thread
 * is inside the real allocator under the agent.  Linked with libraiser.so
 * (raiser.c), which comes after the agent and before libc in the order
 * symbols are looked up in: once raiser_armed is set, its malloc and free
 * raise SIGUSR1 on every third call, synchronously, inside the real call;
 * and allocate for themselves, which is not the program's.
 *
 * main() mallocs and frees 1 + i % 64 bytes, ROUNDS times; the handler
 * mallocs and frees HANDLER_BYTES.  Expected: tb = sum + handled *
 * HANDLER_BYTES, tbk = ROUNDS + handled, nothing at exit; printed to
 * stderr as "expect tb=N tbk=N eb=0 ebk=0", and "handled N" (N > 0, or
 * libraiser.so was not the real allocator).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ROUNDS		30000
#define HANDLER_BYTES	48

volatile int raiser_armed;
void *volatile sigreal_sink;
static volatile long handled;

static void
on_usr1(int sig)
{
	(void)sig;
	sigreal_sink = malloc(HANDLER_BYTES);
	free(sigreal_sink);
	handled++;
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
	raiser_armed = 1;
	for (i = 0; i < ROUNDS; i++) {
		n = 1 + (size_t)(i % 64);
		sigreal_sink = malloc(n);
		free(sigreal_sink);
		tb += n;
	}
	raiser_armed = 0;
	tb += (unsigned long long)handled * HANDLER_BYTES;
	snprintf(line, sizeof line, "expect tb=%llu tbk=%ld eb=0 ebk=0\n"
	    "handled %ld\n", tb, ROUNDS + handled, handled);
	return write(2, line, strlen(line)) == (ssize_t)strlen(line) ? 0 : 1;
}
