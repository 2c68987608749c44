/* SPDX-License-Identifier: MIT */
/*
 * runpath-lib.c - plugins loaded by runpath-main through the program's
 * RUNPATH, and unloaded before the program ends.  Each allocates in its
 * constructor (inside dlopen) and when called.  Built twice, with its
 * function named runpath_first and runpath_second: the second is loaded
 * after the first is unloaded, usually at the same address.
 */
#include <stdlib.h>

#ifndef PLUGIN_FN
#error "build with -DPLUGIN_FN=name"
#endif

void *volatile runpath_sink;

__attribute__((constructor)) static void
runpath_init(void)
{
	runpath_sink = malloc(111);	/* live at exit */
}

__attribute__((noinline)) void
PLUGIN_FN(void)
{
	runpath_sink = malloc(222);	/* live at exit */
}
