/* SPDX-License-Identifier: MIT */
/*
 * testhold.c - a pause at a named point of the agent, for tests that need
 * another thread to act while one is inside it (a fork during the attach,
 * during a rescan of the loaded objects).  Off unless the test sets the
 * variable; its value is "R,W", two file descriptors the program opened:
 * the held thread writes one byte to W, to say it has arrived, and waits
 * for one byte on R.  A pipe, not a sleep: the order is exact.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "agent.h"

int
agent_test_hold(const char *name)
{
	const char *value;
	char *end, c = 'h';
	long r, w;

	if ((value = getenv(name)) == NULL)
		return 0;
	r = strtol(value, &end, 10);
	if (*end != ',')
		return 0;
	w = strtol(end + 1, &end, 10);
	if (*end != '\0' || r < 0 || w < 0 ||
	    write((int)w, &c, 1) != 1 || read((int)r, &c, 1) != 1)
		return 0;
	return 1;
}
