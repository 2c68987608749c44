/* SPDX-License-Identifier: MIT */
/*
 * adhoc-signal.c - ad-hoc events from a signal handler that interrupts
 * the agent: main makes events of weight 2 and allocates, in a loop, while
 * a profiling timer's handler makes events of weight 1 and allocates too.
 * Prints "main N handler H": the profile must hold N + H events weighing
 * 2N + H.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "heapprof.h"

static volatile sig_atomic_t handled;
void *volatile sink;

static void
on_prof(int sig)
{
	(void)sig;
	heapprof_ad_hoc(1);
	free(malloc(24));
	handled++;
}

int
main(void)
{
	struct itimerval it;
	struct sigaction sa;
	unsigned long n;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_prof;
	sa.sa_flags = SA_RESTART;
	sigaction(SIGPROF, &sa, NULL);
	memset(&it, 0, sizeof it);
	it.it_interval.tv_usec = 200;
	it.it_value.tv_usec = 200;
	setitimer(ITIMER_PROF, &it, NULL);
	/* CPU time passes in the loop, so the timer fires: it ends. */
	for (n = 0; n < 20000 || handled < 20; n++) {
		heapprof_ad_hoc(2);
		sink = malloc(16);
		free(sink);
	}
	memset(&it, 0, sizeof it);
	setitimer(ITIMER_PROF, &it, NULL);
	printf("main %lu handler %d\n", n, (int)handled);
	return 0;
}
