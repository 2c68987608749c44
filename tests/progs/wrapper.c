/* SPDX-License-Identifier: MIT */
/*
 * wrapper.c - an allocation wrapper called from two places, and from one
 * of them by two calls on different lines:
 *
 *   xmalloc(size)     the wrapper: malloc, dies on failure
 *   parse()           2 x xmalloc(10) on two lines     20 B, leaked
 *   render()          1 x xmalloc(300)                300 B, leaked
 *
 * Without --ignore-fn there are three sites, each headed by xmalloc; with
 * --ignore-fn=xmalloc the sites are parse() (two calls, two rows) and
 * render(); with --ignore-fn=xmalloc --ignore-fn=parse they would be
 * main's calls.
 */
#include <stdlib.h>

void *volatile sink[3];

__attribute__((noinline)) static void *
xmalloc(size_t n)
{
	void *p = malloc(n);	/* site: xmalloc */

	if (p == NULL)
		abort();
	return p;
}

__attribute__((noinline)) static void
parse(void)
{
	sink[0] = xmalloc(10);	/* site: parse first */
	sink[1] = xmalloc(10);	/* site: parse second */
}

__attribute__((noinline)) static void
render(void)
{
	sink[2] = xmalloc(300);	/* site: render */
}

int
main(void)
{
	parse();	/* site: main parse */
	render();	/* site: main render */
	return 0;
}
