/*
 * exitcode.c - leaks one 4096-byte block, then ends as told:
 *   exitcode N        exit(N)
 *   exitcode kill S   raise(S)
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>

void *volatile sink;

int
main(int argc, char **argv)
{
	sink = malloc(4096);
	if (argc > 2 && strcmp(argv[1], "kill") == 0)
		raise(atoi(argv[2]));
	return argc > 1 ? atoi(argv[1]) : 0;
}
