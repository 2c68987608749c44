/* SPDX-License-Identifier: MIT */
/*
 * short-lived.c - many short-lived blocks of mixed sizes (16 B to 4 KiB,
 * a few up to 64 KiB) from eight call sites, each replacing a random slot
 * of a 4096-slot window, the way a parser or a request handler churns.
 * Deterministic: a fixed-seed generator, and the window is freed at the end.
 * usage: short-lived [ALLOCS]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS	4096

static void *slot[SLOTS];
static void *volatile sink;
static uint32_t seed = 12345;

static uint32_t
next(void)
{
	seed = seed * 1103515245u + 12345u;
	return seed >> 8;
}

static size_t
pick_size(uint32_t r)
{
	if ((r & 255) == 0)
		return 4096 + (r >> 8) % 61440;	/* rare large block */
	if ((r & 7) == 0)
		return 256 + (r >> 8) % 3840;
	return 16 + (r >> 8) % 240;
}

/* Eight distinct allocation sites, so the profile has more than one stack. */
#define SITE(n) \
	static void *__attribute__((noinline)) site##n(size_t size) \
	{ \
		void *p = malloc(size); \
		memset(p, n, size < 64 ? size : 64); \
		return p; \
	}
SITE(0) SITE(1) SITE(2) SITE(3) SITE(4) SITE(5) SITE(6) SITE(7)

static void *(*const sites[8])(size_t) = {
	site0, site1, site2, site3, site4, site5, site6, site7
};

int
main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 2000000, i;
	uint32_t r, k;

	for (i = 0; i < n; i++) {
		r = next();
		k = r % SLOTS;
		free(slot[k]);
		slot[k] = sites[(r >> 12) & 7](pick_size(next()));
		sink = slot[k];
	}
	for (k = 0; k < SLOTS; k++)
		free(slot[k]);
	return 0;
}
