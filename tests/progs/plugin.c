/* SPDX-License-Identifier: MIT */
/*
 * plugin.c - a shared object that test program dlopen-plugin loads with
 * dlopen, calls, and unloads with dlclose before it exits.
 *
 *   plugin_alloc()   1 x malloc(77), never freed
 */
#include <stdlib.h>

void *volatile plugin_sink;

__attribute__((noinline)) void
plugin_alloc(void)
{
	plugin_sink = malloc(77);	/* site: plugin_alloc */
}
