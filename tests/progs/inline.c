/* SPDX-License-Identifier: MIT */
/*
 * inline.c - allocations inside functions inlined at -O2, so that one
 * return address stands for two or three source functions:
 *
 *   make_node() inlined into make_pair() inlined into build()
 *                                  2 x malloc(48), never freed   96 B
 *   fill() inlined into main()     1 x malloc(200), never freed 200 B
 *
 * The report shows each inlined function and the one it was inlined into,
 * each with its own file:line (the lines are marked with "site:").
 */
#include <stdlib.h>

void *volatile sink[3];

static inline __attribute__((always_inline)) void *
make_node(void)
{
	return malloc(48);	/* site: make_node */
}

static inline __attribute__((always_inline)) void
make_pair(void)
{
	sink[0] = make_node();	/* site: make_pair first */
	sink[1] = make_node();	/* site: make_pair second */
}

__attribute__((noinline)) static void
build(void)
{
	make_pair();	/* site: build */
}

static inline __attribute__((always_inline)) void
fill(void)
{
	sink[2] = malloc(200);	/* site: fill */
}

int
main(void)
{
	build();	/* site: main build */
	fill();		/* site: main fill */
	return 0;
}
