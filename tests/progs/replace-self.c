/* SPDX-License-Identifier: MIT */
/*
 * replace-self.c - allocates in keep_one() (one malloc(33), leaked), then
 * changes its own executable file before it exits:
 *
 *   replace-self delete SELF         unlinks SELF
 *   replace-self replace SELF OTHER  renames OTHER over SELF
 *
 * heapprof must then not name keep_one() from whatever file is at SELF.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void *volatile sink;

__attribute__((noinline)) static void
keep_one(void)
{
	sink = malloc(33);
}

int
main(int argc, char **argv)
{
	keep_one();
	if (argc == 3 && strcmp(argv[1], "delete") == 0)
		return unlink(argv[2]) == 0 ? 0 : 1;
	if (argc == 4 && strcmp(argv[1], "replace") == 0)
		return rename(argv[3], argv[2]) == 0 ? 0 : 1;
	return 2;
}
