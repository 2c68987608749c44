/* SPDX-License-Identifier: MIT */
/*
 * static.c - built with -static: no PT_INTERP, so no dynamic loader and
 * no LD_PRELOAD.  Used as a program and as a script interpreter; prints
 * its first argument.
 */
#include <stdio.h>

int
main(int argc, char **argv)
{
	printf("static %s\n", argc > 1 ? argv[1] : "");
	return 0;
}
