/* SPDX-License-Identifier: MIT */
/*
 * ringmap.h - for the programs that overwrite heapprof's event ring as a
 * buggy or hostile program may: find the ring in this process's memory,
 * and take space in it as the agent does; and the blocks they make before
 * and after, 32 and 48 bytes each, freed at once, which the tests find by
 * these functions' names.
 */
#ifndef HEAPPROF_TESTS_RINGMAP_H
#define HEAPPROF_TESTS_RINGMAP_H

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wire.h"

__attribute__((noinline)) static void
before_scribble(void)
{
	void *volatile p = malloc(32);

	free(p);
}

__attribute__((noinline)) static void
after_scribble(void)
{
	void *volatile p = malloc(48);

	free(p);
}

/* A thread's body: *(long *)count blocks of after_scribble. */
static inline void *
after_scribble_thread(void *count)
{
	long i, n = *(const long *)count;

	for (i = 0; i < n; i++)
		after_scribble();
	return NULL;
}

/*
 * The ring is found by its name in /proc/self/maps, read without stdio so
 * that nothing else allocates.
 */
static inline unsigned char *
find_ring(size_t *size)
{
	static char maps[1 << 16];
	unsigned long lo, hi;
	ssize_t n, got = 0;
	char *line, *end;
	int fd;

	fd = open("/proc/self/maps", O_RDONLY);
	if (fd == -1)
		return NULL;
	while (got < (ssize_t)sizeof maps - 1 &&
	    (n = read(fd, maps + got, sizeof maps - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	maps[got] = '\0';
	for (line = maps; *line != '\0'; line = end + 1) {
		end = strchr(line, '\n');
		if (end == NULL)
			break;
		*end = '\0';
		if (strstr(line, "heapprof-ring") != NULL &&
		    sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			*size = hi - lo;
			return (unsigned char *)lo;
		}
	}
	return NULL;
}

/* Take len bytes at head, as the agent does, and return the place. */
static inline struct hp_rec *
take(struct hp_ring_header *h, unsigned char *data, uint32_t len,
    uint64_t *pos)
{
	*pos = __atomic_fetch_add(&h->head, len, __ATOMIC_ACQ_REL);
	return (struct hp_rec *)(void *)(data + (*pos & (h->capacity - 1)));
}

#endif
