/* SPDX-License-Identifier: MIT */
/*
 * inherit.c - keep what the target inherits as heapprof was given it.
 */
#include "config.h"

#include <signal.h>
#include <stddef.h>
#include <sys/resource.h>

#include "inherit.h"

const int inherit_sigs[INHERIT_NSIGS] = {
	SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGXFSZ,
};

static size_t
slot_of(int sig)
{
	size_t i;

	for (i = 0; i < INHERIT_NSIGS; i++)
		if (inherit_sigs[i] == sig)
			return i;
	return INHERIT_NSIGS;
}

void
inherit_save(struct inherit *in)
{
	struct sigaction ign;
	struct rlimit raised;
	size_t i;

	for (i = 0; i < INHERIT_NSIGS; i++)
		sigaction(inherit_sigs[i], NULL, &in->act[i]);
	sigprocmask(SIG_SETMASK, NULL, &in->mask);
	getrlimit(RLIMIT_FSIZE, &in->fsize);

	/* Beyond the hard limit where heapprof may (CAP_SYS_RESOURCE). */
	raised.rlim_cur = raised.rlim_max = RLIM_INFINITY;
	if (setrlimit(RLIMIT_FSIZE, &raised) == -1) {
		raised = in->fsize;
		raised.rlim_cur = raised.rlim_max;
		setrlimit(RLIMIT_FSIZE, &raised);
	}
	sigemptyset(&ign.sa_mask);
	ign.sa_flags = 0;
	ign.sa_handler = SIG_IGN;
	sigaction(SIGXFSZ, &ign, NULL);
}

int
inherit_ignored(const struct inherit *in, int sig)
{
	size_t i = slot_of(sig);

	return i < INHERIT_NSIGS && in->act[i].sa_handler == SIG_IGN;
}

void
inherit_restore(const struct inherit *in)
{
	size_t i;

	for (i = 0; i < INHERIT_NSIGS; i++)
		sigaction(inherit_sigs[i], &in->act[i], NULL);
	sigprocmask(SIG_SETMASK, &in->mask, NULL);
	setrlimit(RLIMIT_FSIZE, &in->fsize);
}

void
inherit_restore_signal(const struct inherit *in, int sig)
{
	size_t i = slot_of(sig);

	if (i < INHERIT_NSIGS)
		sigaction(sig, &in->act[i], NULL);
}
