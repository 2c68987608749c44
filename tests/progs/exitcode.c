/* SPDX-License-Identifier: MIT */
/*
 * exitcode.c - frees a 100-byte block after leaking a 4096-byte one, then
 * ends as told:
 *   exitcode N         exit(N)
 *   exitcode _exit N   _exit(N): no atexit handlers, no stdio flush
 *   exitcode kill S    raise(S)
 *   exitcode segv      a real fault: a store through a null pointer
 *   exitcode abort     abort()
 *
 * Expected, however it ends: total 4196 B in 2 blocks; peak 4196 B in 2
 * blocks; at exit (or death) 4096 B in 1 block.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;
int *volatile null_ptr;

int
main(int argc, char **argv)
{
	void *p = malloc(100);

	sink = p;
	sink = malloc(4096);
	free(p);
	if (argc > 2 && strcmp(argv[1], "kill") == 0)
		raise(atoi(argv[2]));
	if (argc > 2 && strcmp(argv[1], "_exit") == 0)
		_exit(atoi(argv[2]));
	if (argc > 1 && strcmp(argv[1], "segv") == 0)
		*null_ptr = 1;
	if (argc > 1 && strcmp(argv[1], "abort") == 0)
		abort();
	return argc > 1 ? atoi(argv[1]) : 0;
}
